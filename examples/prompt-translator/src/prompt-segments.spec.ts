import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { PromptTranslatorModule } from './prompt-translator.module';
import { promptSegments, translatePrompt } from './prompt-segments';
import { TranslationCheck } from './translation.check';
import { DictionaryTranslator, TRANSLATOR, type Translator } from './translator';

/** A "translation" that changes every character it is given: anything it touched would show. */
const shout = async (text: string) => `<${text.toUpperCase()}>`;

describe('prompt translator: what it leaves alone', () => {
  it('keeps URLs, weights and every parameter exactly, translating only the words', async () => {
    const prompt = 'https://cdn.example.com/Ref.PNG 一只猫::2 在雪地 https://x.io/a?b=c --ar 3:2 --no 狗, 红色 --stylize 250';
    expect(await translatePrompt(prompt, shout)).toBe(
      'https://cdn.example.com/Ref.PNG <一只猫>::2 <在雪地> https://x.io/a?b=c --ar 3:2 --no 狗, 红色 --stylize 250',
    );
    expect(
      promptSegments(prompt)
        .map((s) => s.text)
        .join(''),
    ).toBe(prompt);
  });

  it('never changes a URL or anything from the first --parameter on, whatever the prompt', async () => {
    const word = fc.stringMatching(/^[a-z一只猫狗雪红 ,.]{1,12}$/);
    const url = fc.webUrl({ withQueryParameters: true, withFragments: true });
    const param = fc.tuple(fc.constantFrom('ar', 'no', 'v', 'stylize', 'seed', 'q'), fc.stringMatching(/^[\w:., 一猫]{0,8}$/));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(word, url), { maxLength: 6 }), fc.array(param, { maxLength: 4 }), async (parts, params) => {
        const urls = parts.filter((p) => /^https?:\/\//.test(p));
        const tail = params.map(([name, value]) => ` --${name} ${value}`).join('');
        const prompt = `${parts.join(' ')}${tail}`;
        const translated = await translatePrompt(prompt, shout);
        for (const u of urls) expect(translated).toContain(u);
        if (tail.trim()) expect(translated.endsWith(prompt.slice(prompt.search(/(^|\s)--[a-z]/i)).trimStart())).toBe(true);
        expect(translated.match(/https?:\/\/\S+/g) ?? []).toEqual(prompt.match(/https?:\/\/\S+/g) ?? []);
      }),
      { numRuns: 300 },
    );
  });

  it('translates with the built-in word list, and leaves prompts without CJK text alone', async () => {
    const translator = new DictionaryTranslator();
    expect(await translatePrompt('一只红色的狐狸在雪地 --ar 3:2', (t) => translator.translate(t))).toBe('a red fox in snow --ar 3:2');
    expect(translator.needsTranslation('a red fox --ar 3:2')).toBe(false);
  });
});

describe('prompt translator: a pluggable translator', () => {
  @Injectable()
  class Shouting implements Translator {
    needsTranslation = () => true;
    translate = async (text: string) => text.toUpperCase();
  }

  it('uses the translator given to forRoot, and the word list otherwise', async () => {
    const custom = await Test.createTestingModule({ imports: [PromptTranslatorModule.forRoot({ translator: Shouting })] }).compile();
    expect(custom.get(TRANSLATOR)).toBeInstanceOf(Shouting);
    const check = custom.get(TranslationCheck);
    const input = { userId: 1, apiKeyId: 0, route: 'imagine' as const, action: 'IMAGINE' as const, originalPrompt: '' };
    expect(await check.check({ ...input, prompt: 'a fox https://x.io/a.png --ar 3:2' })).toEqual({
      kind: 'rewrite',
      prompt: 'A FOX https://x.io/a.png --ar 3:2',
    });
    const plain = await Test.createTestingModule({ imports: [PromptTranslatorModule] }).compile();
    expect(plain.get(TRANSLATOR)).toBeInstanceOf(DictionaryTranslator);
  });
});
