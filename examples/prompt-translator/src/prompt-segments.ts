/** A piece of a Midjourney prompt: words to translate, or something that must reach the upstream byte for byte. */
export interface PromptSegment {
  text: string;
  translate: boolean;
}

/**
 * What a translation must never touch: image URLs (anywhere), multi-prompt weights (`::2`, `::-0.5`), and the
 * parameters, which Midjourney reads from the first `--name` to the end (`--ar 3:2 --no red, blue`).
 */
const KEPT = /(https?:\/\/\S+|::-?\d*\.?\d*)/gi;
const PARAMETERS = /(^|\s)--[a-z]/i;

/** Splits a prompt into the words to translate and the parts to keep; joining the texts gives the prompt back. */
export function promptSegments(prompt: string): PromptSegment[] {
  const params = PARAMETERS.exec(prompt);
  const cut = params ? params.index + params[1].length : prompt.length;
  const [body, tail] = [prompt.slice(0, cut), prompt.slice(cut)];
  const segments: PromptSegment[] = [];
  let at = 0;
  for (const match of body.matchAll(KEPT)) {
    if (match.index > at) segments.push({ text: body.slice(at, match.index), translate: true });
    segments.push({ text: match[0], translate: false });
    at = match.index + match[0].length;
  }
  if (at < body.length) segments.push({ text: body.slice(at), translate: true });
  if (tail) segments.push({ text: tail, translate: false });
  return segments;
}

/**
 * Translates the words of a prompt and nothing else: each translatable segment goes to `translate` without its
 * surrounding spaces (which are kept), URLs, weights and parameters are copied as they are.
 */
export async function translatePrompt(prompt: string, translate: (text: string) => Promise<string>): Promise<string> {
  const parts = await Promise.all(
    promptSegments(prompt).map(async ({ text, translate: words }) => {
      if (!words || !text.trim()) return text;
      const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
      return `${lead}${(await translate(core)).trim()}${trail}`;
    }),
  );
  return parts.join('');
}
