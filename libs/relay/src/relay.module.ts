import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelsModule } from '@app/channels';
import { MjModule } from '@app/mj';
import { ProxyModule } from '@app/proxy';
import { HookBodies, HookOutboxModule } from '@app/hooks';
import { RelayHookBodies } from './hook-bodies';
import { relayConfig } from './config/relay.config';
import { DispatcherScheduler } from './dispatcher.scheduler';
import { DispatcherService } from './dispatcher.service';
import { GatewayQueue } from './gateway-queue';
import { RelayTasksController } from './relay-tasks.controller';
import { RelayTasksService } from './relay-tasks.service';
import { RelayController } from './relay.controller';
import { RelayService } from './relay.service';
import { SubmitChecks } from './submit-checks';

@Module({
  imports: [
    ConfigModule.forFeature(relayConfig),
    ScheduleModule.forRoot(),
    DiscoveryModule,
    ChannelsModule,
    MjModule,
    ProxyModule,
    HookOutboxModule,
  ],
  controllers: [RelayController, RelayTasksController],
  providers: [
    RelayService,
    RelayTasksService,
    SubmitChecks,
    { provide: HookBodies, useClass: RelayHookBodies },
    GatewayQueue,
    DispatcherService,
    DispatcherScheduler,
  ],
  // The fetch view is the callbacks' body: libs/hooks takes it from here (wired in the API app).
  exports: [HookBodies],
})
export class RelayModule {}
