export * from './config';
export * from './core.module';
export * from './database/database.module';
export * from './database/embedded-postgres';
export * from './database/migrate';
export * from './database/orm-options';
export * from './http';
export * from './events/task-events';
