export * from './relay.module';
export * from './speed-mode';
export * from './task-view';
export * from './submit-plan';
export * from './submit-checks';
