import type { Schemas } from '../api/client';

export type BannedWord = Schemas['BannedWordDto'];
export type PromptVerdict = Schemas['PromptVerdictDto'];

export const listChoices = [
  { id: 'banned', name: 'Banned' },
  { id: 'allowed', name: 'Allowed (exception)' },
];
