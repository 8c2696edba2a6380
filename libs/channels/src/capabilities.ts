/** What a channel can be asked to do, in the words an operator uses (the list, snake_case). */
export const CHANNEL_ACTIONS = [
  'imagine',
  'upscale',
  'variation',
  'reroll',
  'zoom',
  'pan',
  'inpaint',
  'describe',
  'blend',
  'shorten',
  'video',
  'edits',
  'face_swap',
  'upload',
] as const;
export type ChannelAction = (typeof CHANNEL_ACTIONS)[number];

export const SPEED_MODES = ['fast', 'relax', 'turbo'] as const;
export type SpeedMode = (typeof SPEED_MODES)[number];

export const BOTS = ['mj', 'niji'] as const;
export type Bot = (typeof BOTS)[number];

/** As stored on the channel: a list left out means "all of them" (a new channel can do everything). */
export interface StoredCapabilities {
  actions?: ChannelAction[];
  modes?: SpeedMode[];
  bots?: Bot[];
  image_urls?: boolean;
}

/** As the API shows them: every list spelled out. */
export interface Capabilities {
  actions: ChannelAction[];
  modes: SpeedMode[];
  bots: Bot[];
  image_urls: boolean;
}

/** What a new task needs of its channel. */
export interface TaskNeed {
  /** The task's action as the protocol names it (IMAGINE, VIDEO_EXTEND, …). */
  action: string;
  mode: SpeedMode;
  bot: Bot;
}

const ACTION_OF: Record<string, ChannelAction> = {
  IMAGINE: 'imagine',
  UPSCALE: 'upscale',
  UPSCALE_HD: 'upscale',
  VARIATION: 'variation',
  HIGH_VARIATION: 'variation',
  LOW_VARIATION: 'variation',
  REROLL: 'reroll',
  ZOOM: 'zoom',
  CUSTOM_ZOOM: 'zoom',
  PAN: 'pan',
  INPAINT: 'inpaint',
  DESCRIBE: 'describe',
  PIC_READER: 'describe',
  BLEND: 'blend',
  SHORTEN: 'shorten',
  VIDEO: 'video',
  VIDEO_EXTEND: 'video',
  EDIT: 'edits',
  SWAP_FACE: 'face_swap',
  UPLOAD: 'upload',
};

/** The capability a protocol action needs; null for one that needs none of its own (a modal confirm). */
export function capabilityOf(action: string): ChannelAction | null {
  return ACTION_OF[action] ?? null;
}

export function resolveCapabilities(stored: StoredCapabilities | null | undefined): Capabilities {
  return {
    actions: stored?.actions ?? [...CHANNEL_ACTIONS],
    modes: stored?.modes ?? [...SPEED_MODES],
    bots: stored?.bots ?? [...BOTS],
    image_urls: stored?.image_urls ?? true,
  };
}

/** What the channel lacks for the task, in words ("video", "relax mode", "niji bot"), or null when it can do it. */
export function missingFor(stored: StoredCapabilities | null | undefined, need: TaskNeed): string | null {
  const caps = resolveCapabilities(stored);
  const action = capabilityOf(need.action);
  if (action && !caps.actions.includes(action)) return action;
  if (!caps.modes.includes(need.mode)) return `${need.mode} mode`;
  if (!caps.bots.includes(need.bot)) return `${need.bot} bot`;
  return null;
}

/** The bot a submit body asks for (TA's `botType`: MID_JOURNEY / NIJI_JOURNEY, or mj / niji); MJ when absent. */
export function botOf(body: Record<string, unknown>): Bot {
  const value = typeof body.botType === 'string' ? body.botType.toLowerCase() : '';
  return value.startsWith('niji') ? 'niji' : 'mj';
}
