import {
  CHANGEABLE_ACTIONS,
  ReturnCode,
  ReturnDescription,
  TaskAction,
  TaskStatus,
  ValidationMessage,
  type ActionRequest,
  type BaseSubmitRequest,
  type ChangeRequest,
  type ModalRequest,
  type SimpleChangeRequest,
  type SubmitResultVO,
  type Task,
} from '@app/mj-protocol';
import { actionOfCustomId, type ButtonAction } from '../buttons';
import type { SimContext } from '../context';
import { bodyOf, json, type Route, type SimRequest, type SimResponse } from '../http';
import { springError } from '../faults';
import { modesOf, stripSimTokens } from '../modes';
import { checkCommon, enqueueTask, isBlank, isDataUrl, submitTask, validationError, vo } from '../submission';
import { describedPrompt } from '../texts';

/** The parent checks shared by change and action: unknown (3), not SUCCESS (4). */
function findParent(ctx: SimContext, taskId: string): Task | SubmitResultVO {
  const parent = ctx.store.tasks.get(taskId);
  if (!parent) return vo(ReturnCode.NOT_FOUND, ReturnDescription.PARENT_NOT_FOUND);
  if (parent.status !== TaskStatus.SUCCESS) return validationError(ValidationMessage.PARENT_STATUS);
  return parent;
}

const isVo = (value: Task | SubmitResultVO): value is SubmitResultVO => 'code' in value;

/** Creates the child task of a parent's button. */
function submitChild(ctx: SimContext, parent: Task, button: ButtonAction, customId: string, request: BaseSubmitRequest): SubmitResultVO {
  const parentMedia = ctx.media.spec(parent.id);
  const upscale = button.result === 'single' && parentMedia;
  const quadrant = button.action === TaskAction.UPSCALE ? button.index : (parentMedia?.quadrant ?? 1);
  const picked = customId.startsWith('MJ::Job::PicReader::') ? describedPrompt(parent.properties.finalPrompt, button.index) : null;
  const prompt = picked ?? parent.prompt;
  return submitTask(ctx, {
    action: button.action,
    prompt,
    description: () => `/up ${parent.id} ${button.label}`,
    request,
    result: button.result === 'text' ? 'describe' : button.result,
    sourceImage: button.result === 'text',
    media: upscale ? { seed: parentMedia.seed, width: parentMedia.width, height: parentMedia.height, quadrant } : undefined,
    modalOf: button.modal ? customId : undefined,
  });
}

/** OSS `/submit/change`: UPSCALE / VARIATION with index 1..4, or REROLL. */
function change(ctx: SimContext, path: string, request: BaseSubmitRequest, taskId: unknown, action: unknown, index: unknown): SimResponse {
  if (typeof taskId !== 'string' || isBlank(taskId)) return json(validationError(ValidationMessage.TASK_ID_EMPTY));
  if (action !== 'UPSCALE' && action !== 'VARIATION' && action !== 'REROLL') return json(validationError(ValidationMessage.ACTION_INVALID));
  const parent = findParent(ctx, taskId);
  if (isVo(parent)) return json(parent);
  if (!parent.action || !CHANGEABLE_ACTIONS.includes(parent.action)) return json(validationError(ValidationMessage.PARENT_NOT_CHANGEABLE));
  if (action !== 'REROLL' && (index === undefined || index === null)) {
    // OSS unboxes the missing index: a NullPointerException, answered by Spring as a 500.
    return { status: 500, body: springError(500, 'Internal Server Error', path), contentType: 'application/json' };
  }
  if (action !== 'REROLL' && (!Number.isInteger(index) || (index as number) < 1 || (index as number) > 4)) {
    return json(validationError(ValidationMessage.ACTION_INVALID));
  }
  const hash = String(parent.properties.messageHash ?? '');
  const customId =
    action === 'REROLL'
      ? `MJ::JOB::reroll::0::${hash}::SOLO`
      : `MJ::JOB::${action === 'UPSCALE' ? 'upsample' : 'variation'}::${index}::${hash}`;
  const button = actionOfCustomId(customId, parent.action) as ButtonAction;
  return json(
    checkCommon(request) ??
      submitChild(ctx, parent, { ...button, action: action === 'REROLL' ? TaskAction.REROLL : button.action }, customId, request),
  );
}

function changeRoute(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<ChangeRequest>(request);
  if (body.action !== undefined && body.action !== null && !['UPSCALE', 'VARIATION', 'REROLL'].includes(body.action)) {
    // Jackson cannot map an unknown enum name: Spring answers 400 before the controller runs.
    return { status: 400, body: springError(400, 'Bad Request', request.path), contentType: 'application/json' };
  }
  return change(ctx, request.path, body, body.taskId, body.action, body.index);
}

function simpleChange(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<SimpleChangeRequest>(request);
  const match = typeof body.content === 'string' ? /^\s*(\S+)\s+([UV])([1-4])\s*$|^\s*(\S+)\s+R\s*$/i.exec(body.content) : null;
  if (!match) return json(validationError(ValidationMessage.CONTENT_INVALID));
  if (match[4]) return change(ctx, request.path, body, match[4], 'REROLL', undefined);
  return change(ctx, request.path, body, match[1], match[2].toUpperCase() === 'U' ? 'UPSCALE' : 'VARIATION', Number(match[3]));
}

/** PLUS/TA `/submit/action`: press one of the parent's buttons. */
function action(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<ActionRequest>(request);
  if (typeof body.taskId !== 'string' || isBlank(body.taskId)) return json(validationError(ValidationMessage.TASK_ID_EMPTY));
  if (typeof body.customId !== 'string' || isBlank(body.customId)) return json(validationError('customId不能为空'));
  const parent = findParent(ctx, body.taskId);
  if (isVo(parent)) return json(parent);
  const button = actionOfCustomId(body.customId, parent.action);
  const offered = (parent.buttons ?? []).some((candidate) => candidate.customId === body.customId);
  if (!button || !offered) return json(validationError(ValidationMessage.UNKNOWN_ACTION));
  return json(checkCommon(body) ?? submitChild(ctx, parent, button, body.customId, body));
}

/** PLUS/TA `/submit/modal`: confirm a MODAL task; it then runs like any other and keeps its id. */
function modal(request: SimRequest, ctx: SimContext): SimResponse {
  const body = bodyOf<ModalRequest>(request);
  if (typeof body.taskId !== 'string' || isBlank(body.taskId)) return json(validationError(ValidationMessage.TASK_ID_EMPTY));
  const task = ctx.store.tasks.get(body.taskId);
  const runtime = ctx.store.runtimes.get(body.taskId);
  if (!task || !runtime) return json(vo(ReturnCode.NOT_FOUND, ReturnDescription.PARENT_NOT_FOUND));
  if (task.status !== TaskStatus.MODAL) return json(validationError(ValidationMessage.PARENT_STATUS));
  if (body.maskBase64 !== undefined && body.maskBase64 !== null && !isDataUrl(body.maskBase64)) {
    return json(validationError(ValidationMessage.BASE64_FORMAT));
  }
  if (typeof body.prompt === 'string' && !isBlank(body.prompt)) {
    task.prompt = body.prompt;
    task.promptEn = stripSimTokens(body.prompt);
    runtime.modes = modesOf(body.prompt, [...runtime.modes]);
  }
  // Enqueued while still MODAL, so that a full queue leaves it waiting for another confirm.
  const answer = enqueueTask(ctx, task.id);
  if (answer.code !== ReturnCode.QUEUE_REJECTED) task.status = TaskStatus.NOT_START;
  return json(answer);
}

const post = (pattern: string, handle: Route['handle']): Route => ({ method: 'POST', pattern, jsonBody: true, handle });

export const actionRoutes: Route[] = [
  post('/mj/submit/change', changeRoute),
  post('/mj/submit/simple-change', simpleChange),
  post('/mj/submit/action', action),
  post('/mj/submit/modal', modal),
];
