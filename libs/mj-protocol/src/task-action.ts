/** Task actions: OSS, then the PLUS documentation, then the TA reimplementation. */
export const TaskAction = {
  IMAGINE: 'IMAGINE',
  UPSCALE: 'UPSCALE',
  VARIATION: 'VARIATION',
  REROLL: 'REROLL',
  DESCRIBE: 'DESCRIBE',
  BLEND: 'BLEND',
  ZOOM: 'ZOOM',
  PAN: 'PAN',
  SHORTEN: 'SHORTEN',
  SWAP_FACE: 'SWAP_FACE',
  ACTION: 'ACTION',
  OUTPAINT: 'OUTPAINT',
  INPAINT: 'INPAINT',
  SHOW: 'SHOW',
  SWAP_VIDEO_FACE: 'SWAP_VIDEO_FACE',
  VIDEO: 'VIDEO',
  VIDEO_EXTEND: 'VIDEO_EXTEND',
  EDIT: 'EDIT',
  RETEXTURE: 'RETEXTURE',
  PIC_READER: 'PIC_READER',
  UPSCALE_HD: 'UPSCALE_HD',
} as const;
export type TaskAction = (typeof TaskAction)[keyof typeof TaskAction];

/** Parent actions on which OSS allows `/submit/change`. */
export const CHANGEABLE_ACTIONS: readonly TaskAction[] = [
  TaskAction.IMAGINE,
  TaskAction.VARIATION,
  TaskAction.REROLL,
  TaskAction.BLEND,
];

/** The `action` values accepted by OSS `/submit/change`. */
export const ChangeAction = {
  UPSCALE: 'UPSCALE',
  VARIATION: 'VARIATION',
  REROLL: 'REROLL',
} as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];
