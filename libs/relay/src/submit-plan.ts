import { HttpStatus } from '@nestjs/common';
import { ReturnCode, ValidationMessage } from '@app/mj-protocol';
import type { TaskAction } from '@app/mj-protocol';
import { MAX_UPLOAD_IMAGES } from '@app/proxy';
import { actionOfCustomId } from './custom-id';
import { invalid, RelayRejection } from './relay.errors';

export const SUBMIT_ROUTES = [
  'imagine',
  'change',
  'simple-change',
  'action',
  'modal',
  'describe',
  'blend',
  'shorten',
  'video',
  'edits',
  'upload-discord-images',
  'swap-face',
] as const;
export type SubmitRoute = (typeof SUBMIT_ROUTES)[number];

export type SpeedMode = 'fast' | 'relax' | 'turbo';

/** What one submit will do: where it goes upstream, what it costs as, which task it follows, what is forwarded. */
export interface SubmitPlan {
  route: SubmitRoute;
  upstreamPath: string;
  action: TaskAction;
  /** The upstream id of the task this one follows (U1, V2, modal…), resolved against the caller's own tasks. */
  parentMjId?: string;
  parentStatus?: 'SUCCESS' | 'MODAL';
  customId?: string;
  prompt: string;
  /** The client's prompt, set when a submit check rewrote `prompt` (submit-checks.ts). */
  originalPrompt?: string;
  state: string;
  body: Record<string, unknown>;
  /** The client's callback URL: the gateway calls it (libs/hooks); the upstream never sees it. */
  notifyHook?: string;
}

export interface PlanOptions {
  imageLimitBytes: number;
  allowAccountFilter: boolean;
  mode?: SpeedMode;
}

type Body = Record<string, unknown>;

const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+;base64,/;
const CHANGE_ACTIONS = { UPSCALE: 'UPSCALE', VARIATION: 'VARIATION', REROLL: 'REROLL' } as const;
const BLEND_DIMENSIONS = ['PORTRAIT', 'SQUARE', 'LANDSCAPE'];
const MODE_FLAG = /(^|\s)--(fast|relax|turbo)\b/;

function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${field}参数错误`, `${field} must be a string`);
  return value;
}

function requiredString(body: Body, field: string, description: string): string {
  const value = optionalString(body, field);
  if (!value || !value.trim()) throw invalid(description, `${field} is required`);
  return value;
}

/** A base64 image must be a data URL and, decoded, within the limit (413 names the field and the sizes). */
function checkImage(value: string, field: string, limit: number, allowUrl = false): void {
  if (allowUrl && /^https?:\/\//i.test(value)) return;
  if (!DATA_URL.test(value)) throw invalid(ValidationMessage.BASE64_FORMAT, `${field} must be a data URL (data:image/png;base64,…)`);
  const data = value.length - value.indexOf(',') - 1;
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const bytes = Math.floor((data * 3) / 4) - padding;
  if (bytes > limit) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    throw new RelayRejection(
      HttpStatus.PAYLOAD_TOO_LARGE,
      ReturnCode.VALIDATION_ERROR,
      'base64过大',
      `${field} is ${mb(bytes)} MB; the limit is ${mb(limit)} MB per image`,
    );
  }
}

function imageList(body: Body, field: string, limit: number): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(ValidationMessage.BASE64_FORMAT, `${field} must be an array of data URLs`);
  }
  value.forEach((image: string, i) => checkImage(image, `${field}[${i}]`, limit));
  return value as string[];
}

function checkImageFields(body: Body, fields: string[], limit: number): void {
  for (const field of fields) {
    const value = optionalString(body, field);
    if (value) checkImage(value, field, limit, field === 'image' || field === 'endImage');
  }
}

/** A numeric task id as the string it was; a fraction or an id past 2^53 cannot be one. */
export function taskIdText(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0)
    throw invalid(ValidationMessage.TASK_ID_EMPTY, 'taskId must be a task id (a string, or an integer number)');
  return String(id);
}

function withMode(prompt: string, mode?: SpeedMode): string {
  if (!mode || !prompt || MODE_FLAG.test(prompt)) return prompt;
  return `${prompt} --${mode}`;
}

function changePlan(body: Body): Pick<SubmitPlan, 'action' | 'parentMjId' | 'upstreamPath'> {
  const taskId = requiredString(body, 'taskId', ValidationMessage.TASK_ID_EMPTY);
  const action =
    typeof body.action === 'string' && Object.hasOwn(CHANGE_ACTIONS, body.action)
      ? CHANGE_ACTIONS[body.action as keyof typeof CHANGE_ACTIONS]
      : undefined;
  if (!action) throw invalid(ValidationMessage.ACTION_INVALID, 'action must be UPSCALE, VARIATION or REROLL');
  if (action !== 'REROLL' && !(Number.isInteger(body.index) && (body.index as number) >= 1 && (body.index as number) <= 4)) {
    throw invalid(ValidationMessage.ACTION_INVALID, 'index must be 1, 2, 3 or 4 for UPSCALE and VARIATION');
  }
  return { action, parentMjId: taskId, upstreamPath: '/mj/submit/change' };
}

function simpleChangePlan(body: Body): Pick<SubmitPlan, 'action' | 'parentMjId' | 'upstreamPath'> {
  const content = requiredString(body, 'content', ValidationMessage.CONTENT_INVALID);
  const match = /^\s*(\S+)\s+([UV][1-4]|R)\s*$/i.exec(content);
  if (!match) throw invalid(ValidationMessage.CONTENT_INVALID, 'content must look like "<taskId> U1" (U1-U4, V1-V4 or R)');
  const kind = match[2].toUpperCase();
  const action = kind === 'R' ? 'REROLL' : kind.startsWith('U') ? 'UPSCALE' : 'VARIATION';
  return { action, parentMjId: match[1], upstreamPath: '/mj/submit/simple-change' };
}

/**
 * Validates a submit body with the protocol's codes and descriptions (code 4, HTTP 400; 413 for oversized
 * images) and works out its plan. Pure: nothing is read or written here.
 */
export function planSubmit(route: SubmitRoute, input: unknown, options: PlanOptions): SubmitPlan {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('请求体错误', 'The body must be a JSON object');
  }
  const body: Body = { ...(input as Body) };
  // Web clients send the task id as a number (JSON.parse of a numeric id); upstreams and our rows hold strings.
  if (typeof body.taskId === 'number') body.taskId = taskIdText(body.taskId);
  const notifyHook = optionalString(body, 'notifyHook') || undefined;
  delete body.notifyHook;
  if (!options.allowAccountFilter) delete body.accountFilter;
  const state = optionalString(body, 'state') ?? '';
  if (state.length > 255) throw invalid('State参数过长，最大255字符', 'state must be at most 255 characters');
  const limit = options.imageLimitBytes;
  const plan = (p: Omit<SubmitPlan, 'route' | 'state' | 'body' | 'prompt'> & { prompt?: string }): SubmitPlan => ({
    route,
    state,
    body,
    notifyHook,
    prompt: p.prompt ?? '',
    ...p,
  });
  switch (route) {
    case 'imagine': {
      const prompt = withMode(requiredString(body, 'prompt', ValidationMessage.PROMPT_EMPTY), options.mode);
      imageList(body, 'base64Array', limit);
      checkImageFields(body, ['base64'], limit);
      body.prompt = prompt;
      return plan({ upstreamPath: '/mj/submit/imagine', action: 'IMAGINE', prompt });
    }
    case 'change':
      return plan({ ...changePlan(body), parentStatus: 'SUCCESS' });
    case 'simple-change':
      return plan({ ...simpleChangePlan(body), parentStatus: 'SUCCESS' });
    case 'action': {
      const taskId = requiredString(body, 'taskId', ValidationMessage.TASK_ID_EMPTY);
      const customId = requiredString(body, 'customId', ValidationMessage.UNKNOWN_ACTION);
      const action = actionOfCustomId(customId);
      if (!action) throw invalid(ValidationMessage.UNKNOWN_ACTION, `customId "${customId.slice(0, 80)}" is not a button the gateway knows`);
      return plan({ upstreamPath: '/mj/submit/action', action, parentMjId: taskId, parentStatus: 'SUCCESS', customId });
    }
    case 'modal': {
      const taskId = requiredString(body, 'taskId', ValidationMessage.TASK_ID_EMPTY);
      const prompt = optionalString(body, 'prompt');
      if (prompt) body.prompt = withMode(prompt, options.mode);
      checkImageFields(body, ['maskBase64'], limit);
      return plan({
        upstreamPath: '/mj/submit/modal',
        action: 'MODAL',
        parentMjId: taskId,
        parentStatus: 'MODAL',
        prompt: (body.prompt as string) ?? '',
      });
    }
    case 'describe': {
      const base64 = optionalString(body, 'base64');
      const link = optionalString(body, 'link');
      if (!base64 && !link) throw invalid(ValidationMessage.BASE64_EMPTY, 'base64 (a data URL) or link is required');
      checkImageFields(body, ['base64'], limit);
      return plan({ upstreamPath: '/mj/submit/describe', action: 'DESCRIBE' });
    }
    case 'blend': {
      const images = imageList(body, 'base64Array', limit);
      if (images.length < 2 || images.length > 5) throw invalid(ValidationMessage.BASE64_LIST, 'base64Array must hold 2 to 5 images');
      if (body.dimensions !== undefined && !BLEND_DIMENSIONS.includes(body.dimensions as string)) {
        throw invalid(ValidationMessage.DIMENSIONS_INVALID, 'dimensions must be PORTRAIT, SQUARE or LANDSCAPE');
      }
      return plan({ upstreamPath: '/mj/submit/blend', action: 'BLEND' });
    }
    case 'shorten': {
      const prompt = requiredString(body, 'prompt', ValidationMessage.PROMPT_EMPTY);
      return plan({ upstreamPath: '/mj/submit/shorten', action: 'SHORTEN', prompt });
    }
    case 'video': {
      const taskId = optionalString(body, 'taskId');
      const prompt = optionalString(body, 'prompt') ?? '';
      checkImageFields(body, ['image', 'endImage'], limit);
      if (!taskId && !prompt.trim() && !body.image) throw invalid(ValidationMessage.PROMPT_EMPTY, 'prompt, image or taskId is required');
      if (prompt) body.prompt = withMode(prompt, options.mode);
      const action = body.action === 'extend' ? 'VIDEO_EXTEND' : 'VIDEO';
      return plan({
        upstreamPath: '/mj/submit/video',
        action,
        parentMjId: taskId,
        parentStatus: taskId ? 'SUCCESS' : undefined,
        prompt: (body.prompt as string) ?? '',
      });
    }
    case 'edits': {
      const prompt = withMode(requiredString(body, 'prompt', ValidationMessage.PROMPT_EMPTY), options.mode);
      requiredString(body, 'image', ValidationMessage.BASE64_EMPTY);
      checkImageFields(body, ['image'], limit);
      body.prompt = prompt;
      return plan({ upstreamPath: '/mj/submit/edits', action: 'EDIT', prompt });
    }
    case 'upload-discord-images': {
      const images = imageList(body, 'base64Array', limit);
      if (!images.length) throw invalid(ValidationMessage.BASE64_EMPTY, 'base64Array must hold at least one image');
      if (images.length > MAX_UPLOAD_IMAGES)
        throw invalid(ValidationMessage.BASE64_LIST, `base64Array may hold at most ${MAX_UPLOAD_IMAGES} images`);
      return plan({ upstreamPath: '/mj/submit/upload-discord-images', action: 'UPLOAD' });
    }
    case 'swap-face': {
      const source = optionalString(body, 'sourceBase64') ?? optionalString(body, 'sourceUrl');
      const target = optionalString(body, 'targetBase64') ?? optionalString(body, 'targetUrl');
      if (!source || !target)
        throw invalid(ValidationMessage.BASE64_EMPTY, 'sourceBase64 (or sourceUrl) and targetBase64 (or targetUrl) are required');
      checkImageFields(body, ['sourceBase64', 'targetBase64'], limit);
      return plan({ upstreamPath: '/mj/insight-face/swap', action: 'SWAP_FACE' });
    }
  }
}
