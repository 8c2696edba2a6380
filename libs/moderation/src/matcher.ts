/** One entry of the banned-words list or of its allow list. */
export interface PhraseEntry {
  phrase: string;
  wholeWord: boolean;
}

/** What a prompt matched: the banned phrase as the admin wrote it. */
export interface BannedMatch {
  phrase: string;
  /** Where it was found, in the normalised prompt. */
  index: number;
}

/**
 * Scripts written without spaces between words: "whole word" has no meaning there, so a phrase's end that is one of
 * these characters matches wherever it occurs (within a longer word too). Han, kana, Hangul (particles attach to the
 * noun: 누드를), Thai, Lao, Khmer, Myanmar.
 */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const WORD = /[\p{L}\p{N}\p{M}_]/u;

/** A character that continues a spaced-script word: a letter, digit or mark that is not of an unspaced script. */
const isWordChar = (ch: string | undefined) => ch !== undefined && WORD.test(ch) && !UNSPACED.test(ch);

/** Case-insensitive and width-insensitive (ＮＳＦＷ = nsfw), whitespace runs as one space. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
}

interface Compiled {
  phrase: string;
  needle: string;
  /** Whether each end needs a word boundary (whole-word entries whose end is a letter or digit of a spaced script). */
  boundaryBefore: boolean;
  boundaryAfter: boolean;
}

function compile(entry: PhraseEntry): Compiled | null {
  const needle = normalise(entry.phrase).trim();
  if (!needle) return null;
  const chars = [...needle];
  return {
    phrase: entry.phrase.trim(),
    needle,
    boundaryBefore: entry.wholeWord && isWordChar(chars[0]),
    boundaryAfter: entry.wholeWord && isWordChar(chars[chars.length - 1]),
  };
}

/** Every [start, end) where `c` occurs in `text` with its boundaries. */
function* occurrences(text: string, c: Compiled): Generator<[number, number]> {
  for (let at = text.indexOf(c.needle); at !== -1; at = text.indexOf(c.needle, at + 1)) {
    const end = at + c.needle.length;
    if (c.boundaryBefore && isWordChar(lastChar(text, at))) continue;
    if (c.boundaryAfter && isWordChar(firstChar(text, end))) continue;
    yield [at, end];
  }
}

const lastChar = (text: string, before: number) => (before > 0 ? [...text.slice(Math.max(0, before - 2), before)].pop() : undefined);
const firstChar = (text: string, from: number) => (from < text.length ? [...text.slice(from, from + 2)][0] : undefined);

/**
 * The banned-words rule: a prompt is refused when it contains a banned phrase (whole words, case-insensitive, by
 * default) at a place not covered by an occurrence of an allowed phrase (the allow list of known false positives:
 * banned 血, allowed 血橙 "blood orange").
 */
export class BannedWordMatcher {
  private readonly banned: Compiled[];
  private readonly allowed: Compiled[];

  constructor(banned: PhraseEntry[], allowed: PhraseEntry[]) {
    this.banned = banned.map(compile).filter((c): c is Compiled => c !== null);
    this.allowed = allowed.map(compile).filter((c): c is Compiled => c !== null);
  }

  get size(): number {
    return this.banned.length;
  }

  /** The first banned phrase (by position in the prompt) not excused by the allow list, or null. */
  match(prompt: string): BannedMatch | null {
    if (!this.banned.length || !prompt) return null;
    const text = normalise(prompt);
    let excused: [number, number][] | undefined;
    let best: BannedMatch | null = null;
    for (const c of this.banned) {
      for (const [start, end] of occurrences(text, c)) {
        if (best && start >= best.index) break;
        excused ??= this.allowed.flatMap((a) => [...occurrences(text, a)]);
        if (excused.some(([from, to]) => from <= start && end <= to)) continue;
        best = { phrase: c.phrase, index: start };
        break;
      }
    }
    return best;
  }
}
