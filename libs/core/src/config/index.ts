export * from './env';
export * from './app.config';
export * from './database.config';
export * from './http.config';
