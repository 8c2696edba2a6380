import type { TaskAction } from './task-action';
import type { TaskStatus } from './task-status';

/** A Discord component button (PLUS/TA). `type` is 2; `style` 2 (grey/primary-ish) or 3 (green). */
export interface Button {
  customId: string;
  emoji: string;
  label: string;
  type: number;
  style: number;
}

/** An image or video entry of TA's `imageUrls` / `videoUrls`. */
export interface TaskMedia {
  url: string;
  thumbnail?: string | null;
}

/** Keys of `Task.properties` that OSS and PLUS/TA fill; the object may hold any others. */
export interface TaskProperties {
  notifyHook?: string | null;
  nonce?: string;
  discordInstanceId?: string;
  discordChannelId?: string;
  finalPrompt?: string;
  finalZhPrompt?: string;
  messageId?: string;
  messageHash?: string;
  progressMessageId?: string;
  flags?: number;
  referencedMessageId?: string;
  botType?: string;
  messageContent?: string;
  [key: string]: unknown;
}

/** The task object of fetch, list, list-by-condition and the notify body (OSS includes null fields). */
export interface Task {
  id: string;
  action: TaskAction | null;
  status: TaskStatus;
  prompt: string | null;
  promptEn: string | null;
  description: string | null;
  state: string | null;
  /** Epoch ms, integers. */
  submitTime: number | null;
  startTime: number | null;
  finishTime: number | null;
  /** The preview grid while IN_PROGRESS, the final image on SUCCESS. */
  imageUrl: string | null;
  /** null (queued) | "0%" | "46%" | "100%" | "" (failed) | free text. */
  progress: string | null;
  failReason: string | null;
  properties: TaskProperties;
  /** PLUS/TA only; [] until SUCCESS. */
  buttons?: Button[];
  /** null (or absent) when there are none: clients draw `[]` as an empty grid. */
  imageUrls?: TaskMedia[] | null;
  videoUrl?: string | null;
  videoUrls?: TaskMedia[] | null;
  /** TA emits many more fields; clients must ignore what they do not know. */
  [key: string]: unknown;
}

/** `GET /mj/account/list` items (OSS only). */
export interface DiscordAccount {
  id: string;
  properties: Record<string, unknown>;
  guildId: string;
  channelId: string;
  userToken: string;
  userAgent: string;
  enable: boolean;
  coreSize: number;
  queueSize: number;
  timeoutMinutes: number;
}
