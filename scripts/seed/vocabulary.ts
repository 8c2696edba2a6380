/** What seeded tasks are made of: action mix and prices, status mix, prompt words, failure messages. */

export interface ActionProfile {
  name: string;
  /** Share of all tasks, in percent; the shares add up to 100. */
  percent: number;
  /** Quota charged when the task does not fail (500,000 quota = 1 USD, the old gateway's prices). */
  quota: number;
  /** Typical seconds from start to finish upstream. */
  seconds: number;
  /** Works on an earlier task's image, so it has a parent. */
  derived: boolean;
  /** What a successful task holds: a 2x2 grid (four image URLs), one image, a video, or only text. */
  output: 'grid' | 'image' | 'video' | 'text';
}

export const ACTION_PROFILES: ActionProfile[] = [
  { name: 'IMAGINE', percent: 40, quota: 50_000, seconds: 55, derived: false, output: 'grid' },
  { name: 'UPSCALE', percent: 27, quota: 25_000, seconds: 12, derived: true, output: 'image' },
  { name: 'VARIATION', percent: 8, quota: 50_000, seconds: 50, derived: true, output: 'grid' },
  { name: 'REROLL', percent: 4, quota: 50_000, seconds: 55, derived: true, output: 'grid' },
  { name: 'HIGH_VARIATION', percent: 2, quota: 50_000, seconds: 50, derived: true, output: 'grid' },
  { name: 'LOW_VARIATION', percent: 1, quota: 50_000, seconds: 45, derived: true, output: 'grid' },
  { name: 'DESCRIBE', percent: 3, quota: 25_000, seconds: 8, derived: false, output: 'text' },
  { name: 'BLEND', percent: 3, quota: 50_000, seconds: 60, derived: false, output: 'grid' },
  { name: 'SHORTEN', percent: 1, quota: 50_000, seconds: 10, derived: false, output: 'text' },
  { name: 'ZOOM', percent: 2, quota: 50_000, seconds: 55, derived: true, output: 'grid' },
  { name: 'CUSTOM_ZOOM', percent: 1, quota: 50_000, seconds: 55, derived: true, output: 'grid' },
  { name: 'PAN', percent: 2, quota: 50_000, seconds: 55, derived: true, output: 'grid' },
  { name: 'INPAINT', percent: 1, quota: 50_000, seconds: 50, derived: true, output: 'grid' },
  { name: 'UPSCALE_HD', percent: 1, quota: 100_000, seconds: 40, derived: true, output: 'image' },
  { name: 'VIDEO', percent: 3, quota: 400_000, seconds: 180, derived: false, output: 'video' },
  { name: 'VIDEO_EXTEND', percent: 1, quota: 400_000, seconds: 150, derived: true, output: 'video' },
];

/** Tasks older than the last hour have all finished; in-flight statuses only occur among the newest. */
export const FINISHED_STATUS_PERCENT = { SUCCESS: 93, FAILURE: 5, CANCEL: 2 };
export const RECENT_STATUS_PERCENT = {
  SUCCESS: 45,
  FAILURE: 6,
  CANCEL: 4,
  IN_PROGRESS: 15,
  SUBMITTED: 15,
  NOT_START: 10,
  MODAL: 5,
};

export const PROMPT_SUBJECTS = [
  'a red fox curled up in fresh snow',
  'an astronaut reading a newspaper on the moon',
  'a lighthouse on a cliff at dusk',
  'a cyberpunk street market in the rain',
  'a cozy reading nook with a sleeping cat',
  'an ancient library with floating books',
  'a koi pond in a japanese garden',
  'a steampunk airship above the clouds',
  'portrait of an old fisherman with a pipe',
  'a bowl of ramen with steam rising',
  'a glass terrarium with a tiny forest',
  'a samurai standing in a bamboo forest',
  'a vintage sports car on a coastal road',
  'a dragon sleeping on a pile of gold',
  'a futuristic city built into a canyon',
  'a hummingbird drinking from a hibiscus',
  'a wooden cabin by a frozen lake',
  'a robot tending a vegetable garden',
  'an underwater temple overgrown with coral',
  'a hot air balloon festival at sunrise',
  'a minimalist living room with plants',
  'a jellyfish glowing in the deep sea',
  'a medieval castle on a floating island',
  'a street cafe in paris after rain',
  'a tiger walking through tall grass',
  'a girl with an umbrella under cherry blossoms',
  'a desert caravan under the milky way',
  'a neon sign reading open all night',
  'an owl perched on a mossy branch',
  'a lone tree on a hill in autumn',
];
export const PROMPT_DETAILS = [
  'golden hour lighting',
  'soft morning fog',
  'dramatic rim light',
  'volumetric light rays',
  'overcast sky',
  'shallow depth of field',
  'wide angle',
  'symmetrical composition',
  'bird eye view',
  'close-up',
  'long exposure',
  'backlit',
  'muted colors',
  'vibrant colors',
  'high contrast',
  'pastel palette',
];
export const PROMPT_STYLES = [
  'watercolor',
  'oil painting',
  'studio ghibli style',
  'cinematic photo, 35mm film',
  'isometric 3d render',
  'ukiyo-e woodblock print',
  'pixel art',
  'hyperrealistic, 8k',
  'charcoal sketch',
  'art nouveau poster',
  'low poly',
  'concept art, trending on artstation',
  'analog photography, kodak portra 400',
  'claymation',
];
export const PROMPT_PARAMETERS = [
  '--ar 16:9 --v 6.1',
  '--ar 1:1 --v 6.1',
  '--ar 9:16 --v 6.1 --style raw',
  '--ar 3:2 --v 6',
  '--v 6.1 --s 250',
  '--ar 4:5 --niji 6',
  '--ar 21:9 --v 7',
  '--v 7 --q 2',
  '--ar 2:3 --v 6.1 --chaos 20',
  '--v 5.2',
];
export const FAIL_REASONS = [
  'Banned prompt detected',
  'Job action restricted: the image contains content that may violate the community guidelines',
  'Task timed out upstream after 10 minutes',
  'Invalid parameter: --ar 3:1 cannot be combined with --niji',
  'Upstream queue is full, please retry later',
  'The referenced message no longer exists',
  'Midjourney account is unavailable (subscription expired)',
  'Failed to download the reference image',
];

/** Expands percentages into 100 slots, so one uniform draw picks a value with the wanted frequency. */
export function weightedSlots<T>(entries: [T, number][]): T[] {
  const slots = entries.flatMap(([value, percent]) => Array<T>(percent).fill(value));
  if (slots.length !== 100) throw new Error(`weights add up to ${slots.length}, not 100`);
  return slots;
}
