export * from './polling.module';
export * from './polling.service';
export * from './state-rules';
