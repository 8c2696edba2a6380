export * from './env';
export * from './app.config';
export * from './database.config';
export * from './secrets.config';
export * from './startup-failure';
export * from './http.config';
export * from './extensions.config';
