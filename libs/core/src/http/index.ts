export * from './api-envelope.decorator';
export * from './body-parsers';
export * from './domain-error';
export * from './envelope.dto';
export * from './envelope.interceptor';
export * from './errors.filter';
export * from './validation.pipe';
