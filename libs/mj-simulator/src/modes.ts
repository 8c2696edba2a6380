/** Edge cases of protocol §6, switched on per task by a `--sim-<mode>` prompt token or globally. */
export const SIM_MODES = [
  'fail',
  'silent-fail',
  'banned',
  'banned-late',
  'hang',
  'hang-submitted',
  'lost',
  'queue-full',
  'no-account',
  'slow',
  'evil-content',
  'v7',
  'dispatch-fail',
] as const;
export type SimMode = (typeof SIM_MODES)[number];

const TOKEN = /(^|\s)--sim-([a-z0-9-]+)(?=\s|$)/gi;

export function isSimMode(value: string): value is SimMode {
  return (SIM_MODES as readonly string[]).includes(value);
}

/** Validates a mode list; throws naming the first unknown mode. */
export function parseModes(modes: readonly string[]): SimMode[] {
  const parsed: SimMode[] = [];
  for (const raw of modes) {
    const mode = raw.trim().replace(/^--sim-/, '');
    if (!mode) continue;
    if (!isSimMode(mode)) throw new Error(`unknown mode "${raw}" (known: ${SIM_MODES.join(', ')})`);
    if (!parsed.includes(mode)) parsed.push(mode);
  }
  return parsed;
}

/** The modes a task runs with: the global ones plus the known `--sim-*` tokens of its prompt. */
export function modesOf(prompt: string | null | undefined, global: readonly SimMode[]): Set<SimMode> {
  const modes = new Set<SimMode>(global);
  for (const match of (prompt ?? '').matchAll(TOKEN)) {
    const mode = match[2].toLowerCase();
    if (isSimMode(mode)) modes.add(mode);
  }
  return modes;
}

/** The prompt as Midjourney would echo it: the simulator's tokens removed. */
export function stripSimTokens(prompt: string): string {
  return prompt
    .replace(TOKEN, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
