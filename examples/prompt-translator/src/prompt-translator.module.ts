import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { TranslationCheck } from './translation.check';
import { DictionaryTranslator, TRANSLATOR, type Translator } from './translator';

/**
 * Translates prompts to English before they are sent upstream. As it stands (EXTENSIONS=examples/prompt-translator,
 * or one line in the app module) it uses the built-in word list; `forRoot({ translator })` plugs in a real one.
 */
@Module({
  providers: [{ provide: TRANSLATOR, useClass: DictionaryTranslator }, TranslationCheck],
})
export class PromptTranslatorModule {
  /** The module with your translator instead of the word list (it replaces the static TRANSLATOR provider). */
  static forRoot(options: { translator: Type<Translator> }): DynamicModule {
    const translator: Provider = { provide: TRANSLATOR, useClass: options.translator };
    return { module: PromptTranslatorModule, providers: [translator] };
  }
}
