export * from './prompt-translator.module';
export * from './prompt-segments';
export * from './translation.check';
export * from './translator';
