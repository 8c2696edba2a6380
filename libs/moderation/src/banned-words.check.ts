import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '@app/core';
import { ReturnCode, ReturnDescription } from '@app/mj-protocol';
import { type SubmitCheck, type SubmitCheckInput, SubmitCheckProvider, SubmitVerdict } from '@app/relay';
import { BannedWords } from './banned-words.service';

/**
 * The built-in submit check: a prompt with a banned word is refused with code 24 (the upstream's own code for it),
 * the word in the description, before anything is held or sent. It runs last (order 1000) and reads both the prompt
 * as sent upstream and the client's original, so a rewriting check can neither hide a word nor add one.
 */
@Injectable()
@SubmitCheckProvider({ order: 1000 })
export class BannedWordsCheck implements SubmitCheck {
  private readonly refused: Counter<'route'>;

  constructor(
    private readonly words: BannedWords,
    metrics: MetricsRegistry,
  ) {
    this.refused = new Counter({
      name: 'mj_banned_prompts_total',
      help: 'Submits refused for a banned word (code 24, nothing charged), by route',
      labelNames: ['route'],
      registers: [metrics.registry],
    });
  }

  async check(submit: SubmitCheckInput): Promise<SubmitVerdict> {
    if (!submit.prompt && !submit.originalPrompt) return SubmitVerdict.pass();
    const matcher = await this.words.matcher();
    if (!matcher.size) return SubmitVerdict.pass();
    const hit = matcher.match(submit.prompt) ?? (submit.originalPrompt !== submit.prompt ? matcher.match(submit.originalPrompt) : null);
    if (!hit) return SubmitVerdict.pass();
    this.refused.inc({ route: submit.route });
    return SubmitVerdict.refuse(
      ReturnCode.BANNED_PROMPT,
      `${ReturnDescription.BANNED_PROMPT}: ${hit.phrase}`,
      `The prompt contains the banned word "${hit.phrase}"`,
      { bannedWord: hit.phrase },
    );
  }
}
