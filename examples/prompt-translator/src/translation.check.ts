import { Inject, Injectable } from '@nestjs/common';
import { type SubmitCheck, type SubmitCheckInput, SubmitCheckProvider, SubmitVerdict } from '@app/relay';
import { translatePrompt } from './prompt-segments';
import { TRANSLATOR, type Translator } from './translator';

/**
 * A submit check that rewrites: prompts in another language go upstream in English. The client's prompt stays on the
 * task (its original prompt); URLs, weights and `--params` reach the upstream unchanged. Order 50: before the
 * built-in banned-words check (1000), which reads both the original and the translation.
 */
@Injectable()
@SubmitCheckProvider({ order: 50 })
export class TranslationCheck implements SubmitCheck {
  constructor(@Inject(TRANSLATOR) private readonly translator: Translator) {}

  async check(submit: SubmitCheckInput): Promise<SubmitVerdict> {
    if (!submit.prompt || !this.translator.needsTranslation(submit.prompt)) return SubmitVerdict.pass();
    const translated = await translatePrompt(submit.prompt, (text) =>
      this.translator.needsTranslation(text) ? this.translator.translate(text) : Promise.resolve(text),
    );
    return translated === submit.prompt ? SubmitVerdict.pass() : SubmitVerdict.rewrite(translated);
  }
}
