import type { TaskAction } from '@app/mj-protocol';

/**
 * The action a PLUS button's customId stands for (the reference gateway's and TA's mapping), or null when it is
 * not a button the gateway can bill and route. Never throws: a customId is client input.
 */
export function actionOfCustomId(customId: string): TaskAction | null {
  const parts = customId.split('::');
  if (parts[0] !== 'MJ' || parts.length < 2) return null;
  const [, group, kind = ''] = parts;
  if (group === 'JOB' && parts.length >= 4) {
    if (kind === 'upsample') return 'UPSCALE';
    if (kind.startsWith('upsample_')) return 'UPSCALE_HD';
    if (kind === 'variation') return 'VARIATION';
    if (kind === 'low_variation') return 'LOW_VARIATION';
    if (kind === 'high_variation') return 'HIGH_VARIATION';
    if (kind.startsWith('pan_')) return 'PAN';
    if (kind === 'reroll') return 'REROLL';
    if (kind.startsWith('animate')) return 'VIDEO';
    return null;
  }
  if (group === 'Outpaint' && parts.length >= 3) return 'ZOOM';
  if (group === 'CustomZoom' && parts.length >= 3) return 'CUSTOM_ZOOM';
  if (group === 'Inpaint' && parts.length >= 3) return 'INPAINT';
  if (group === 'Job' && kind === 'PicReader') return 'PIC_READER';
  if (group === 'Picread' && kind === 'Retry') return 'DESCRIBE';
  return null;
}
