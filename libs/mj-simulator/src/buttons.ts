import { TaskAction, type Button } from '@app/mj-protocol';

const button = (customId: string, label: string, emoji = '', style = 2): Button => ({ customId, emoji, label, type: 2, style });

/** After IMAGINE, VARIATION, REROLL, BLEND (and other grids): U1–U4, 🔄, V1–V4. */
export function gridButtons(hash: string): Button[] {
  return [
    ...[1, 2, 3, 4].map((i) => button(`MJ::JOB::upsample::${i}::${hash}`, `U${i}`)),
    button(`MJ::JOB::reroll::0::${hash}::SOLO`, '', '🔄'),
    ...[1, 2, 3, 4].map((i) => button(`MJ::JOB::variation::${i}::${hash}`, `V${i}`)),
  ];
}

/** After UPSCALE (v6 set). */
export function upscaleButtons(hash: string): Button[] {
  return [
    button(`MJ::JOB::upsample_v6_2x_subtle::1::${hash}::SOLO`, 'Upscale (Subtle)'),
    button(`MJ::JOB::upsample_v6_2x_creative::1::${hash}::SOLO`, 'Upscale (Creative)'),
    button(`MJ::JOB::low_variation::1::${hash}::SOLO`, 'Vary (Subtle)', '🪄'),
    button(`MJ::JOB::high_variation::1::${hash}::SOLO`, 'Vary (Strong)', '🪄'),
    button(`MJ::Inpaint::1::${hash}::SOLO`, 'Vary (Region)', '🖌️'),
    button(`MJ::Outpaint::50::1::${hash}::SOLO`, 'Zoom Out 2x', '🔍'),
    button(`MJ::Outpaint::75::1::${hash}::SOLO`, 'Zoom Out 1.5x', '🔍'),
    button(`MJ::CustomZoom::${hash}`, 'Custom Zoom', '🔍'),
    button(`MJ::JOB::pan_left::1::${hash}::SOLO`, '', '⬅️'),
    button(`MJ::JOB::pan_right::1::${hash}::SOLO`, '', '➡️'),
    button(`MJ::JOB::pan_up::1::${hash}::SOLO`, '', '⬆️'),
    button(`MJ::JOB::pan_down::1::${hash}::SOLO`, '', '⬇️'),
    button(`MJ::BOOKMARK::${hash}`, '', '❤️'),
  ];
}

/** After DESCRIBE (TA): pick one of the four prompts, or describe again. */
export function describeButtons(): Button[] {
  return [
    ...['1️⃣', '2️⃣', '3️⃣', '4️⃣'].map((emoji, i) => button(`MJ::Job::PicReader::${i + 1}`, '', emoji)),
    button('MJ::Picread::Retry', '', '🔄'),
  ];
}

/** What a parent's button does, per TA's customId mapping. */
export interface ButtonAction {
  action: TaskAction;
  /** The task's result: a 2×2 grid, a single image, or text (describe). */
  result: 'grid' | 'single' | 'text';
  /** U/V index or PicReader choice, 1..4. */
  index: number;
  /** CustomZoom and Vary (Region) wait for `/submit/modal`. */
  modal: boolean;
  /** OSS-style description suffix: `U2`, `V1`, `R`, or the button's name. */
  label: string;
}

/** Maps a customId to its action; null when the simulator (like PLUS) does not support it. */
export function actionOfCustomId(customId: string, parentAction: TaskAction | null): ButtonAction | null {
  const parts = customId.split('::');
  const index = Number(parts[3]) || 1;
  if (customId.startsWith('MJ::JOB::upsample::')) {
    return { action: TaskAction.UPSCALE, result: 'single', index, modal: false, label: `U${index}` };
  }
  if (customId.startsWith('MJ::JOB::upsample_')) {
    return { action: TaskAction.UPSCALE_HD, result: 'single', index: 1, modal: false, label: parts[2] };
  }
  if (customId.startsWith('MJ::JOB::variation::')) {
    return { action: TaskAction.VARIATION, result: 'grid', index, modal: false, label: `V${index}` };
  }
  if (/^MJ::JOB::(low|high)_variation::/.test(customId)) {
    return { action: TaskAction.VARIATION, result: 'grid', index: 1, modal: false, label: parts[2] };
  }
  if (customId.startsWith('MJ::Inpaint::')) {
    return { action: TaskAction.VARIATION, result: 'grid', index: 1, modal: true, label: 'Inpaint' };
  }
  if (customId.startsWith('MJ::JOB::reroll::')) {
    const action = parentAction === TaskAction.UPSCALE || !parentAction ? TaskAction.IMAGINE : parentAction;
    return { action, result: 'grid', index: 0, modal: false, label: 'R' };
  }
  if (customId.startsWith('MJ::Outpaint::')) {
    return { action: TaskAction.ZOOM, result: 'grid', index: 1, modal: false, label: `Outpaint ${parts[2]}` };
  }
  if (customId.startsWith('MJ::CustomZoom::')) {
    return { action: TaskAction.ZOOM, result: 'grid', index: 1, modal: true, label: 'CustomZoom' };
  }
  if (customId.startsWith('MJ::JOB::pan_')) {
    return { action: TaskAction.PAN, result: 'grid', index: 1, modal: false, label: parts[2] };
  }
  if (customId.startsWith('MJ::Job::PicReader::')) {
    const choice = Number(parts[3]) || 1;
    return { action: TaskAction.IMAGINE, result: 'grid', index: choice, modal: false, label: `PicReader ${choice}` };
  }
  if (customId === 'MJ::Picread::Retry') {
    return { action: TaskAction.DESCRIBE, result: 'text', index: 0, modal: false, label: 'Retry' };
  }
  return null;
}
