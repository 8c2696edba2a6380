/**
 * Task actions: the one list. The upstreams' (OSS, the PLUS documentation, the TA reimplementation), plus the names
 * the gateway gives to what it stores and bills beyond them (marked), as new-api does.
 */
export const TaskAction = {
  IMAGINE: 'IMAGINE',
  UPSCALE: 'UPSCALE',
  VARIATION: 'VARIATION',
  REROLL: 'REROLL',
  DESCRIBE: 'DESCRIBE',
  BLEND: 'BLEND',
  SHORTEN: 'SHORTEN',
  ZOOM: 'ZOOM',
  /** Gateway: a custom zoom (the modal's zoom button). */
  CUSTOM_ZOOM: 'CUSTOM_ZOOM',
  PAN: 'PAN',
  INPAINT: 'INPAINT',
  /** Gateway: Vary (Strong). */
  HIGH_VARIATION: 'HIGH_VARIATION',
  /** Gateway: Vary (Subtle). */
  LOW_VARIATION: 'LOW_VARIATION',
  UPSCALE_HD: 'UPSCALE_HD',
  /** Gateway: a button that opens a modal (its confirm continues the same task). */
  MODAL: 'MODAL',
  SWAP_FACE: 'SWAP_FACE',
  SWAP_VIDEO_FACE: 'SWAP_VIDEO_FACE',
  /** Gateway: upload-discord-images. */
  UPLOAD: 'UPLOAD',
  VIDEO: 'VIDEO',
  VIDEO_EXTEND: 'VIDEO_EXTEND',
  EDIT: 'EDIT',
  RETEXTURE: 'RETEXTURE',
  PIC_READER: 'PIC_READER',
  OUTPAINT: 'OUTPAINT',
  SHOW: 'SHOW',
  ACTION: 'ACTION',
} as const;
export type TaskAction = (typeof TaskAction)[keyof typeof TaskAction];

export const TASK_ACTIONS: readonly TaskAction[] = Object.values(TaskAction);

/** Parent actions on which OSS allows `/submit/change`. */
export const CHANGEABLE_ACTIONS: readonly TaskAction[] = [TaskAction.IMAGINE, TaskAction.VARIATION, TaskAction.REROLL, TaskAction.BLEND];

/** The `action` values accepted by OSS `/submit/change`. */
export const ChangeAction = {
  UPSCALE: 'UPSCALE',
  VARIATION: 'VARIATION',
  REROLL: 'REROLL',
} as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];
