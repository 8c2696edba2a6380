import { Injectable } from '@nestjs/common';

/** The token under which the module finds its translator: provide your own (an HTTP API, a local model) instead. */
export const TRANSLATOR = Symbol('PromptTranslator');

/** Turns a piece of prompt text into English; it never sees URLs or parameters. */
export interface Translator {
  /** Whether this text needs translating at all (the check leaves other prompts alone). */
  needsTranslation(text: string): boolean;
  translate(text: string): Promise<string>;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** A few common words, longest first: enough to show the module working without any service. */
const WORDS: [string, string][] = [
  ['一只', 'a '],
  ['一个', 'a '],
  ['的', ' '],
  ['在', ' in '],
  ['雪地', 'snow'],
  ['雪', 'snow'],
  ['红色', 'red '],
  ['红', 'red '],
  ['狐狸', 'fox'],
  ['猫', 'cat'],
  ['狗', 'dog'],
  ['城市', 'city'],
  ['夜晚', 'night'],
  ['海', 'sea'],
  ['和', ' and '],
];

/**
 * The default translator: a small Chinese→English word list (a stand-in: a real deployment provides a translation
 * service under TRANSLATOR). Unknown characters are kept.
 */
@Injectable()
export class DictionaryTranslator implements Translator {
  needsTranslation(text: string): boolean {
    return CJK.test(text);
  }

  async translate(text: string): Promise<string> {
    let out = text;
    for (const [from, to] of WORDS) out = out.split(from).join(to);
    return out.replace(/\s+/g, ' ').trim();
  }
}
