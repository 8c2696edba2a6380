export * from './moderation.module';
export * from './banned-words.service';
export * from './banned-words.check';
export * from './matcher';
export * from './dto/banned-word.dto';
