import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { hooksConfig } from './config/hooks.config';
import { HookEventsRepository } from './hook-events.repository';
import { HookOutbox } from './hook-outbox';
import { HookSender } from './hook-sender.service';
import { HookDns, HookTargets } from './hook-targets';
import { HookMetrics } from './hook.metrics';
import { HookScheduler } from './hook.scheduler';
import { HookKeysController, HooksController } from './hooks.controller';
import { HooksService } from './hooks.service';
import { HookSubscriptions } from './hook-subscriptions';

/** What the task store (the outbox's SQL) and the relay (where a submit's callbacks go) take from hooks. */
@Module({
  imports: [ConfigModule.forFeature(hooksConfig)],
  providers: [HookOutbox, HookDns, HookTargets, HookEventsRepository, HookSubscriptions],
  exports: [HookOutbox, HookDns, HookTargets, HookEventsRepository, HookSubscriptions],
})
export class HookOutboxModule {}

/**
 * The senders, the delivery log and a key's hook routes. `imports` must provide HookBodies (the relay's fetch view,
 * wired by the API app), which this library cannot import itself.
 */
@Module({})
export class HooksModule {
  static forRoot(options: { imports: ModuleMetadata['imports'] }): DynamicModule {
    return {
      module: HooksModule,
      imports: [ConfigModule.forFeature(hooksConfig), HookOutboxModule, ...(options.imports ?? [])],
      controllers: [HooksController, HookKeysController],
      providers: [HookMetrics, HookSender, HooksService, HookScheduler],
    };
  }
}
