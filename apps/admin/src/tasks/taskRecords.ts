import type { Identifier } from 'react-admin';
import type { Schemas } from '../api/client';
import type { TaskButton } from '../api/relay';

export type TaskStatus = Schemas['TaskDto']['status'];
export type TaskAction = NonNullable<NonNullable<import('../api/schema').operations['listAllTasks']['parameters']['query']>['action']>;

/**
 * A list item: the seed's fields, plus `user_id`/`channel_id` for admins, plus what is being added to the list
 * (`buttons`, the four single `image_urls`) — optional until the API answers them.
 */
export type Task = Omit<Schemas['TaskDto'], 'image_urls' | 'buttons'> &
  Partial<Pick<Schemas['AdminTaskDto'], 'user_id' | 'channel_id'>> & { buttons?: TaskButton[] | string; image_urls?: string | string[] };

/** `image_urls`/`video_urls` are JSON arrays held in strings (as the seed has `video_urls`); tolerate real arrays. */
export function urlList(value: unknown): string[] {
  let list = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value || '[]');
    } catch {
      return [];
    }
  }
  return Array.isArray(list)
    ? list.map((item) => (typeof item === 'string' ? item : ((item as { url?: string })?.url ?? ''))).filter(Boolean)
    : [];
}

/** The follow-up buttons of a list item, when the API carries them (else undefined: ask the relay). */
export function listedButtons(task: Pick<Task, 'buttons'>): TaskButton[] | undefined {
  let list: unknown = task.buttons;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      return undefined;
    }
  }
  return Array.isArray(list) ? (list as TaskButton[]) : undefined;
}

export const TASK_STATUSES = [
  'NOT_START',
  'SUBMITTED',
  'MODAL',
  'IN_PROGRESS',
  'SUCCESS',
  'FAILURE',
  'CANCEL',
] as const satisfies readonly TaskStatus[];
export const TASK_ACTIONS = [
  'IMAGINE',
  'UPSCALE',
  'VARIATION',
  'REROLL',
  'DESCRIBE',
  'BLEND',
  'SHORTEN',
  'ZOOM',
  'CUSTOM_ZOOM',
  'PAN',
  'INPAINT',
  'HIGH_VARIATION',
  'LOW_VARIATION',
  'UPSCALE_HD',
  'MODAL',
  'SWAP_FACE',
  'SWAP_VIDEO_FACE',
  'UPLOAD',
  'VIDEO',
  'VIDEO_EXTEND',
  'EDIT',
  'RETEXTURE',
  'PIC_READER',
  'OUTPAINT',
  'SHOW',
  'ACTION',
] as const satisfies readonly TaskAction[];
// Both lists must follow the API's enums: a new value there fails the build here.
type Exhaustive<T extends never> = T;
export type _StatusesCovered = Exhaustive<Exclude<TaskStatus, (typeof TASK_STATUSES)[number]>>;
export type _ActionsCovered = Exhaustive<Exclude<TaskAction, (typeof TASK_ACTIONS)[number]>>;

export const FINISHED: ReadonlySet<string> = new Set<TaskStatus>(['SUCCESS', 'FAILURE', 'CANCEL']);
export const isFinished = (status: string | null | undefined): boolean => FINISHED.has(status ?? '');

/** Row id → mj_id of the tasks the console has listed, so a show page can find its task without `?mj_id=`. */
const identities = new Map<string, string>();
export function rememberTask(task: { id: Identifier; mj_id: string }): void {
  identities.set(String(task.id), task.mj_id);
}
export const taskIdentity = (id: Identifier): string | undefined => identities.get(String(id));

/** The show page's address: the row id, and the mj_id the API can look it up by. */
export const taskShowPath = (task: { id: Identifier; mj_id: string }): string =>
  `/tasks/${task.id}/show?mj_id=${encodeURIComponent(task.mj_id)}`;

/** "46%" → 46; anything unreadable → 0. */
export function progressPercent(progress: string | null | undefined, status?: string): number {
  if (status === 'SUCCESS') return 100;
  const value = Number.parseFloat(progress ?? '');
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}

/** Gateway media URLs (`/mj/image/<id>?exp&sig`) can be resized: ask for a thumbnail. */
export function thumbnailUrl(url: string, width = 256): string {
  if (!url) return url;
  try {
    const parsed = new URL(url, window.location.origin);
    if (!parsed.pathname.includes('/mj/image/')) return url;
    parsed.searchParams.set('w', String(width));
    return parsed.origin === window.location.origin && !/^https?:/i.test(url) ? parsed.pathname + parsed.search : parsed.toString();
  } catch {
    return url;
  }
}

/** Seconds from start (or submit) to finish, or to now while running. */
export function durationSeconds(task: Pick<Task, 'submit_time' | 'start_time' | 'finish_time'>, now = Date.now() / 1000): number | null {
  const from = task.start_time || task.submit_time;
  if (!from) return null;
  const to = task.finish_time || now;
  return Math.max(0, Math.round(to - from));
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export const formatTime = (seconds: number | null | undefined): string => (seconds ? new Date(seconds * 1000).toLocaleString() : '');
/** Compact, for list columns: "11/25/26, 10:01:29". */
export const formatShortTime = (seconds: number | null | undefined): string =>
  seconds ? new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' }) : '';
