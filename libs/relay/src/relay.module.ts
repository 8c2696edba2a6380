import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
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

@Module({
  imports: [ConfigModule.forFeature(relayConfig), ScheduleModule.forRoot(), ChannelsModule, MjModule, ProxyModule],
  controllers: [RelayController, RelayTasksController],
  providers: [RelayService, RelayTasksService, GatewayQueue, DispatcherService, DispatcherScheduler],
})
export class RelayModule {}
