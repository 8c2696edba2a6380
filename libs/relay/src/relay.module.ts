import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelsModule } from '@app/channels';
import { MjModule } from '@app/mj';
import { ProxyModule } from '@app/proxy';
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
  imports: [ConfigModule.forFeature(relayConfig), ScheduleModule.forRoot(), DiscoveryModule, ChannelsModule, MjModule, ProxyModule],
  controllers: [RelayController, RelayTasksController],
  providers: [RelayService, RelayTasksService, SubmitChecks, GatewayQueue, DispatcherService, DispatcherScheduler],
})
export class RelayModule {}
