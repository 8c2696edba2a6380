/** Task statuses as the dashboard and the relay show them. */
export const TASK_STATUSES = ['NOT_START', 'SUBMITTED', 'MODAL', 'IN_PROGRESS', 'SUCCESS', 'FAILURE', 'CANCEL'] as const;
export type TaskStatusName = (typeof TASK_STATUSES)[number];
export const TERMINAL_STATUSES: readonly TaskStatusName[] = ['SUCCESS', 'FAILURE', 'CANCEL'];

/** Every action name the gateway stores: the protocol's (OSS, PLUS, TA) and the billing names of the old gateway. */
export const TASK_ACTIONS = [
  'IMAGINE', 'UPSCALE', 'VARIATION', 'REROLL', 'DESCRIBE', 'BLEND', 'SHORTEN', 'ZOOM', 'CUSTOM_ZOOM', 'PAN',
  'INPAINT', 'HIGH_VARIATION', 'LOW_VARIATION', 'UPSCALE_HD', 'MODAL', 'SWAP_FACE', 'SWAP_VIDEO_FACE', 'UPLOAD',
  'VIDEO', 'VIDEO_EXTEND', 'EDITS', 'RETEXTURE', 'PIC_READER', 'OUTPAINT', 'SHOW', 'ACTION',
] as const;
export type TaskActionName = (typeof TASK_ACTIONS)[number];
