export * from './hooks.module';
export * from './config/hooks.config';
export { HookOutbox, type HookSubscription } from './hook-outbox';
export { HookBodies, type HookTaskRow } from './hook-bodies';
export { HookDns, HookTargets, HookTargetRefused } from './hook-targets';
export { HookSubscriptions } from './hook-subscriptions';
export { hookSignature } from './hook-signature';
