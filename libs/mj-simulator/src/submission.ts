import {
  ReturnCode,
  ReturnDescription,
  TaskStatus,
  inQueueDescription,
  type BaseSubmitRequest,
  type SubmitResultVO,
  type TaskAction,
} from '@app/mj-protocol';
import type { SimContext } from './context';
import { gridSize, hashString } from './media';
import { modesOf, stripSimTokens } from './modes';
import { DISCORD_INSTANCE_ID, newRuntime, newTask, type ResultKind } from './task-store';
import { snowflake } from './texts';

export const vo = (
  code: number,
  description: string,
  result: string | null = null,
  properties: Record<string, unknown> = {},
): SubmitResultVO => ({
  code,
  description,
  result,
  properties,
});

export const validationError = (description: string): SubmitResultVO => vo(ReturnCode.VALIDATION_ERROR, description);

/** What a submit route asks for, after its own validation. */
export interface TaskDraft {
  action: TaskAction;
  /** As submitted; `--sim-*` tokens in it switch modes. */
  prompt: string | null;
  description: (id: string) => string;
  request: BaseSubmitRequest;
  result: ResultKind;
  /** Reference images whose links are put before the prompt on dispatch. */
  references?: number;
  /** The source image of DESCRIBE is the task's own upload. */
  sourceImage?: boolean;
  /** Upscales reuse the parent grid's colours: the quadrant's seed and size. */
  media?: { seed: number; width: number; height: number; quadrant: number };
  batchSize?: number;
  /** Create a MODAL task that waits for `/submit/modal` (code 21). */
  modalOf?: string;
}

/** OSS order: banned words (24), an account (3), the executor (1 / 22 / 23). */
export function submitTask(ctx: SimContext, draft: TaskDraft): SubmitResultVO {
  const modes = modesOf(draft.prompt, ctx.settings.modes);
  const promptEn = draft.prompt === null ? null : stripSimTokens(draft.prompt);
  if (modes.has('banned')) {
    const bannedWord = promptEn?.split(/\s+/).find((word) => /\w/.test(word) && !word.startsWith('--')) ?? 'sim-banned';
    return vo(ReturnCode.BANNED_PROMPT, ReturnDescription.BANNED_PROMPT, null, { promptEn, bannedWord });
  }
  if (modes.has('no-account')) return vo(ReturnCode.NOT_FOUND, ReturnDescription.NO_ACCOUNT);
  const accepted = { discordInstanceId: DISCORD_INSTANCE_ID };
  if (modes.has('queue-full')) return vo(ReturnCode.QUEUE_REJECTED, ReturnDescription.QUEUE_FULL, null, accepted);

  const id = ctx.store.newId();
  const { state, notifyHook, botType } = draft.request;
  const properties: Record<string, unknown> = { nonce: snowflake(), discordInstanceId: DISCORD_INSTANCE_ID };
  if (notifyHook) properties.notifyHook = notifyHook;
  if (botType) properties.botType = botType;
  const task = newTask({
    id,
    action: draft.action,
    status: draft.modalOf ? TaskStatus.MODAL : TaskStatus.NOT_START,
    prompt: draft.prompt,
    promptEn,
    description: draft.description(id),
    state: typeof state === 'string' ? state : null,
    imageUrl: draft.sourceImage ? ctx.urls.upload(id) : null,
    properties,
  });
  const runtime = newRuntime({
    modes,
    result: draft.result,
    notifyHook: notifyHook || null,
    references: draft.references ?? 0,
    batchSize: draft.batchSize ?? 1,
    customId: draft.modalOf ?? null,
  });
  ctx.store.add(task, runtime);
  const size = gridSize(promptEn ?? id);
  ctx.media.register(id, {
    seed: draft.media?.seed ?? hashString(`${id} ${promptEn ?? ''}`),
    width: draft.media?.width ?? size.width,
    height: draft.media?.height ?? size.height,
    kind: draft.result === 'grid' ? 'grid' : 'single',
    quadrant: draft.media?.quadrant ?? 1,
    evil: modes.has('evil-content'),
  });

  if (draft.modalOf) {
    return vo(ReturnCode.EXISTED, ReturnDescription.MODAL_WAITING, id, { finalPrompt: promptEn, remix: true, ...accepted });
  }
  return enqueueTask(ctx, id);
}

/** Puts a created task on the executor and words the answer; a rejected NOT_START task is deleted (OSS). */
export function enqueueTask(ctx: SimContext, id: string): SubmitResultVO {
  const accepted = { discordInstanceId: DISCORD_INSTANCE_ID };
  const outcome = ctx.lifecycle.enqueue(id);
  if (!outcome.accepted) {
    if (ctx.store.tasks.get(id)?.status === TaskStatus.NOT_START) ctx.store.delete(id);
    return vo(ReturnCode.QUEUE_REJECTED, ReturnDescription.QUEUE_FULL, null, accepted);
  }
  if (outcome.waitNumbers === 0) return vo(ReturnCode.SUCCESS, ReturnDescription.SUBMITTED, id, accepted);
  return vo(ReturnCode.IN_QUEUE, inQueueDescription(outcome.waitNumbers), id, { numberOfQueues: outcome.waitNumbers, ...accepted });
}

const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+;base64,[A-Za-z0-9+/]+={0,2}$/;

export const isDataUrl = (value: unknown): value is string => typeof value === 'string' && DATA_URL.test(value.replace(/\s+/g, ''));

export const isHttpUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);

export const isBlank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';

/** TA's check on `state`; null when fine. */
export function checkCommon(request: BaseSubmitRequest): SubmitResultVO | null {
  if (typeof request.state === 'string' && request.state.length > 255) return validationError('State参数过长，最大255字符');
  return null;
}
