import { randomInt } from 'node:crypto';

const SUBJECTS = [
  'a lighthouse on a cliff',
  'a quiet street at dawn',
  'an abstract colour field',
  'a portrait of a fox',
  'a floating island',
  'a bowl of ripe fruit',
];
const STYLES = ['watercolor', 'cinematic lighting', 'flat vector art', 'oil painting', 'isometric 3d render', 'soft pastel tones'];
const NUMBERS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];

/** DESCRIBE's four suggested prompts: `1️⃣ …\n\n2️⃣ …\n\n3️⃣ …\n\n4️⃣ …`. */
export function describePrompts(seed: number): string {
  return [0, 1, 2, 3]
    .map((i) => {
      const subject = SUBJECTS[(seed + i) % SUBJECTS.length];
      const style = STYLES[((seed >>> 4) + i * 5) % STYLES.length];
      return `${NUMBERS[i]} ${subject}, ${style}, in the style of simulated midjourney --ar 1:1`;
    })
    .join('\n\n');
}

/** One of the four described prompts (1..4), without its number emoji. */
export function describedPrompt(text: string | null | undefined, index: number): string | null {
  const part = (text ?? '').split('\n\n')[index - 1];
  return part ? part.replace(/^\S+\s/, '').trim() : null;
}

/** SHORTEN's analysis text, as PLUS puts it in `finalPrompt`. */
export function shortenAnalysis(prompt: string): string {
  const words = prompt
    .replace(/--\S+(\s+[^-\s]\S*)?/g, ' ')
    .split(/[\s,]+/)
    .filter((w) => w.length > 2);
  const tokens = [...new Set(words)].slice(0, 6);
  const lines = [1, 2, 3, 4, 5].map((n) => `${NUMBERS[n - 1]} ${tokens.slice(0, Math.max(1, tokens.length - n + 1)).join(' ')}`);
  return `**Important tokens**\n${tokens.join(', ')}\n\n**Shortened prompts**\n${lines.join('\n')}`;
}

/** An `https://s.mj.run/...` short link, as Discord uploads are referenced in prompts. */
export function shortLink(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let slug = '';
  for (let i = 0; i < 11; i++) slug += alphabet[randomInt(alphabet.length)];
  return `https://s.mj.run/${slug}`;
}

/** A Discord snowflake (message ids). */
export function snowflake(): string {
  return String((BigInt(Date.now() - 1_420_070_400_000) << 22n) + BigInt(randomInt(1 << 22)));
}

export const FAIL_REASONS = [
  '[Invalid parameter] Invalid value for --ar',
  '[Invalid link] The image link could not be downloaded',
  'Failed to process your command :(',
  '[Internal Server Error] Interaction failed',
  '[Banned prompt detected] Sorry! Our AI moderators feel your prompt might be against our community standards.',
] as const;
