import { Module } from '@nestjs/common';
import { BannedWordsCheck } from './banned-words.check';
import { BannedWordsController } from './banned-words.controller';
import { BannedWordsRepository } from './banned-words.repository';
import { BannedWords } from './banned-words.service';

/** Prompt moderation: the banned-words list (admin API) and its submit check. */
@Module({
  controllers: [BannedWordsController],
  providers: [BannedWordsRepository, BannedWords, BannedWordsCheck],
  exports: [BannedWords],
})
export class ModerationModule {}
