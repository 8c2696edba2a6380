import {
  BlendDimensions,
  ReturnCode,
  ReturnDescription,
  TaskAction,
  TaskStatus,
  ValidationMessage,
  type BlendRequest,
  type DescribeRequest,
  type EditsRequest,
  type ImagineRequest,
  type ShortenRequest,
  type SwapFaceRequest,
  type UploadDiscordImagesRequest,
  type VideoRequest,
} from '@app/mj-protocol';
import type { SimContext } from '../context';
import { bodyOf, json, type Route, type SimRequest, type SimResponse } from '../http';
import { gridSize, hashString } from '../media';
import { checkCommon, isBlank, isDataUrl, isHttpUrl, submitTask, validationError, vo } from '../submission';

function imagine(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<ImagineRequest>(request);
  const prompt = body.prompt;
  if (typeof prompt !== 'string' || isBlank(prompt)) return json(validationError(ValidationMessage.PROMPT_EMPTY));
  const references = [...(Array.isArray(body.base64Array) ? body.base64Array : []), ...(body.base64 ? [body.base64] : [])];
  if (!references.every(isDataUrl)) return json(validationError(ValidationMessage.BASE64_FORMAT));
  return json(
    checkCommon(body) ??
      submitTask(ctx, {
        action: TaskAction.IMAGINE,
        prompt,
        description: () => `/imagine ${prompt}`,
        request: body,
        result: 'grid',
        references: references.length,
      }),
  );
}

function describe(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<DescribeRequest>(request);
  if (isBlank(body.base64) && isBlank(body.link)) return json(validationError(ValidationMessage.BASE64_EMPTY));
  if (!isBlank(body.base64) ? !isDataUrl(body.base64) : !isHttpUrl(body.link)) {
    return json(validationError(ValidationMessage.BASE64_FORMAT));
  }
  return json(
    checkCommon(body) ??
      submitTask(ctx, {
        action: TaskAction.DESCRIBE,
        prompt: null,
        description: (id) => `/describe ${id}.png`,
        request: body,
        result: 'describe',
        sourceImage: true,
      }),
  );
}

function blend(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<BlendRequest>(request);
  const images = body.base64Array;
  if (!Array.isArray(images) || images.length < 2 || images.length > 5) return json(validationError(ValidationMessage.BASE64_LIST));
  if (!images.every(isDataUrl)) return json(validationError(ValidationMessage.BASE64_FORMAT));
  const dimensions = body.dimensions ?? BlendDimensions.SQUARE;
  if (!Object.values<string>(BlendDimensions).includes(dimensions)) return json(validationError(ValidationMessage.DIMENSIONS_INVALID));
  const ar = { PORTRAIT: '2:3', SQUARE: '1:1', LANDSCAPE: '3:2' }[dimensions];
  const { width, height } = gridSize(`blend --ar ${ar}`);
  return json(
    checkCommon(body) ??
      submitTask(ctx, {
        action: TaskAction.BLEND,
        prompt: null,
        description: (id) => `/blend ${id} ${images.length}`,
        request: body,
        result: 'grid',
        references: images.length,
        media: { seed: hashString(images.join('|').slice(0, 4096) + Date.now()), width, height, quadrant: 1 },
      }),
  );
}

function shorten(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<ShortenRequest>(request);
  const prompt = body.prompt;
  if (typeof prompt !== 'string' || isBlank(prompt)) return json(validationError(ValidationMessage.PROMPT_EMPTY));
  return json(
    checkCommon(body) ??
      submitTask(ctx, { action: TaskAction.SHORTEN, prompt, description: () => `/shorten ${prompt}`, request: body, result: 'shorten' }),
  );
}

function video(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<VideoRequest>(request);
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  const extend = body.action === 'extend';
  if (extend && isBlank(body.taskId)) return json(validationError(ValidationMessage.TASK_ID_EMPTY));
  if (!extend && isBlank(prompt) && isBlank(body.image)) return json(validationError(ValidationMessage.PROMPT_EMPTY));
  if (body.motion !== undefined && body.motion !== 'low' && body.motion !== 'high') return json(validationError('motion参数错误'));
  if (body.batchSize !== undefined && ![1, 2, 4].includes(body.batchSize)) return json(validationError('batchSize参数错误'));
  for (const image of [body.image, body.endImage]) {
    if (image !== undefined && !isDataUrl(image) && !isHttpUrl(image)) return json(validationError(ValidationMessage.BASE64_FORMAT));
  }
  if (extend) {
    const parent = ctx.store.tasks.get(body.taskId as string);
    if (!parent) return json(vo(ReturnCode.NOT_FOUND, ReturnDescription.PARENT_NOT_FOUND));
    if (parent.status !== TaskStatus.SUCCESS) return json(validationError(ValidationMessage.PARENT_STATUS));
  }
  const text = prompt || (ctx.store.tasks.get(body.taskId ?? '')?.prompt ?? '');
  return json(
    checkCommon(body) ??
      submitTask(ctx, {
        action: extend ? TaskAction.VIDEO_EXTEND : TaskAction.VIDEO,
        prompt: text,
        description: () => `/video ${text}`.trim(),
        request: body,
        result: 'video',
        batchSize: body.batchSize ?? 1,
      }),
  );
}

/** TA `/submit/edits` (alias `/submit/edit`) and `/submit/retexture`. */
function editing(action: typeof TaskAction.EDIT | typeof TaskAction.RETEXTURE) {
  return (request: SimRequest, ctx: SimContext): SimResponse => {
    const body = bodyOf<EditsRequest>(request);
    const prompt = body.prompt;
    if (typeof prompt !== 'string' || isBlank(prompt)) return json(validationError(ValidationMessage.PROMPT_EMPTY));
    if (isBlank(body.image)) return json(validationError('image不能为空'));
    if (!isDataUrl(body.image) && !isHttpUrl(body.image)) return json(validationError(ValidationMessage.BASE64_FORMAT));
    const verb = action === TaskAction.EDIT ? 'edit' : 'retexture';
    return json(
      checkCommon(body) ?? submitTask(ctx, { action, prompt, description: () => `/${verb} ${prompt}`, request: body, result: 'grid' }),
    );
  };
}

function swapFace(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<SwapFaceRequest>(request);
  for (const side of ['source', 'target'] as const) {
    const base64 = body[`${side}Base64`];
    const url = body[`${side}Url`];
    if (isBlank(base64) && isBlank(url)) return json(validationError(`${side}Base64或${side}Url不能为空`));
    if (!isBlank(base64) ? !isDataUrl(base64) : !isHttpUrl(url)) return json(validationError(ValidationMessage.BASE64_FORMAT));
  }
  return json(
    checkCommon(body) ??
      submitTask(ctx, { action: TaskAction.SWAP_FACE, prompt: null, description: () => '/swap_face', request: body, result: 'single' }),
  );
}

/** Answers `result` as an array of image URLs, which the simulator then serves. */
function uploadDiscordImages(request: SimRequest, ctx: SimContext): SimResponse {
  const images = bodyOf<UploadDiscordImagesRequest>(request).base64Array;
  if (!Array.isArray(images) || images.length === 0) return json(validationError(ValidationMessage.BASE64_EMPTY));
  if (!images.every(isDataUrl)) return json(validationError(ValidationMessage.BASE64_FORMAT));
  const urls = images.map((image) => {
    const id = ctx.store.newId();
    const seed = hashString(image.slice(0, 4096) + id);
    ctx.media.register(id, { seed, width: 256, height: 256, kind: 'single', quadrant: 1, evil: false });
    return ctx.urls.upload(id);
  });
  return json({ code: ReturnCode.SUCCESS, description: ReturnDescription.SUBMITTED, result: urls });
}

const post = (pattern: string, handle: Route['handle']): Route => ({ method: 'POST', pattern, jsonBody: true, handle });

export const submitRoutes: Route[] = [
  post('/mj/submit/imagine', imagine),
  post('/mj/submit/describe', describe),
  post('/mj/submit/blend', blend),
  post('/mj/submit/shorten', shorten),
  post('/mj/submit/video', video),
  post('/mj/submit/edits', editing(TaskAction.EDIT)),
  post('/mj/submit/edit', editing(TaskAction.EDIT)),
  post('/mj/submit/retexture', editing(TaskAction.RETEXTURE)),
  post('/mj/submit/upload-discord-images', uploadDiscordImages),
  post('/mj/insight-face/swap', swapFace),
];
