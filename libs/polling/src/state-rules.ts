import { isTerminalTaskStatus, type TaskStatus, type TerminalStatus } from '@app/mj-protocol';
import type { PolledTask, TaskButton, TaskChanges } from '@app/mj';

/** What the state rules compare of a stored task with the upstream's view. */
export type TaskState = Pick<
  PolledTask,
  | 'status'
  | 'progress'
  | 'imageUrl'
  | 'imageUrls'
  | 'videoUrl'
  | 'videoUrls'
  | 'promptEn'
  | 'description'
  | 'failReason'
  | 'buttons'
  | 'properties'
  | 'startTime'
>;

export interface Transition {
  changes: TaskChanges;
  terminal: TerminalStatus | null;
}

const RANK: Record<TaskStatus, number> = {
  NOT_START: 0,
  MODAL: 0,
  SUBMITTED: 1,
  IN_PROGRESS: 2,
  SUCCESS: 3,
  FAILURE: 3,
  CANCEL: 3,
};

const text = (value: unknown, max: number): string | undefined => (typeof value === 'string' ? value.slice(0, max) : undefined);

function percent(progress: string): number | null {
  const match = /^\s*(\d{1,3})(?:\.\d+)?\s*%\s*$/.exec(progress);
  return match ? Number(match[1]) : null;
}

function urls(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value
    .map((item) => text(typeof item === 'string' ? item : (item as { url?: unknown } | null)?.url, 2000))
    .filter((url): url is string => !!url);
  return list.length ? list : undefined;
}

function buttons(value: unknown): TaskButton[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((b) => b && typeof b === 'object' && typeof (b as TaskButton).customId === 'string')
    .slice(0, 50)
    .map((b: TaskButton) => ({
      customId: b.customId.slice(0, 200),
      emoji: text(b.emoji, 16) ?? '',
      label: text(b.label, 64) ?? '',
      type: Number.isFinite(b.type) ? b.type : 2,
      style: Number.isFinite(b.style) ? b.style : 2,
    }));
}

/**
 * Equal JSON values: lists item by item, objects key by key in any order. The stored side comes from jsonb columns,
 * which keep an object's keys in PostgreSQL's order (shortest first), not the upstream's: compared by their JSON,
 * a task whose properties or buttons never changed looked changed at every poll, and was written every time.
 * Not `util.isDeepStrictEqual`: same answers on these JSON values, at 2–3× the time (it checks prototypes and symbols),
 * here where every field of every polled task is compared.
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => same(item, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Applies one upstream view of a task (a poll item or a callback body) to what we have, by these rules:
 * terminal is decided by status, never by the progress text; a fail reason on an unfinished task makes it FAILURE;
 * status and progress only move forward, so stale or reordered views change nothing; times are our own clock.
 * Answers null when nothing would change.
 */
export function applyUpstream(stored: TaskState, item: Record<string, unknown>, now: number): Transition | null {
  if (isTerminalTaskStatus(stored.status)) return null;
  // Own keys only: "toString" or "constructor" from an upstream is no status.
  let status = (typeof item.status === 'string' && Object.hasOwn(RANK, item.status) ? item.status : stored.status) as TaskStatus;
  const failReason = text(item.failReason, 1000)?.trim() ?? '';
  if (failReason && !isTerminalTaskStatus(status)) status = 'FAILURE';
  if (RANK[status] < RANK[stored.status]) return null;

  const changes: TaskChanges = {};
  if (status !== stored.status) changes.status = status;

  let progress = text(item.progress, 32) ?? stored.progress;
  if (status === 'SUCCESS') progress = '100%';
  else if (status === stored.status) {
    const before = percent(stored.progress);
    const after = percent(progress);
    // A view behind ours (reordered callbacks, a slow poll) is stale as a whole: its preview is older too.
    if (before !== null && after !== null && after < before) return null;
    if (before !== null && after === null) progress = stored.progress;
  }
  if (progress !== stored.progress) changes.progress = progress;

  const copy = <K extends keyof TaskChanges>(key: K, value: TaskChanges[K] | undefined, current: unknown) => {
    if (value !== undefined && !same(value, current)) changes[key] = value;
  };
  const imageUrl = text(item.imageUrl, 2000);
  copy('imageUrl', imageUrl || undefined, stored.imageUrl);
  copy('imageUrls', urls(item.imageUrls), stored.imageUrls);
  copy('videoUrl', text(item.videoUrl, 2000) || undefined, stored.videoUrl);
  copy('videoUrls', urls(item.videoUrls), stored.videoUrls);
  copy('promptEn', text(item.promptEn, 8000) || undefined, stored.promptEn);
  copy('description', text(item.description, 2000) || undefined, stored.description);
  copy('buttons', buttons(item.buttons), stored.buttons);
  if (item.properties && typeof item.properties === 'object' && !Array.isArray(item.properties)) {
    const properties = item.properties as Record<string, unknown>;
    if (JSON.stringify(properties).length <= 20000) copy('properties', properties, stored.properties);
  }

  if (status === 'FAILURE') {
    copy('failReason', failReason || stored.failReason || 'The upstream reported a failure without a reason', stored.failReason);
  }
  if (!stored.startTime && RANK[status] >= RANK.SUBMITTED) changes.startTime = now;
  const terminal = isTerminalTaskStatus(status) ? status : null;
  if (terminal) changes.finishTime = now;
  return Object.keys(changes).length ? { changes, terminal } : null;
}
