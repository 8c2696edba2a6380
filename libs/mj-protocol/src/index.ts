export * from './task-status';
export * from './task-action';
export * from './return-code';
export * from './task';
export * from './submit';
export * from './white-label';
