import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { ChannelsModule } from '@app/channels';
import { MjModule } from '@app/mj';
import { ChannelWatchScheduler } from './channel-watch.scheduler';
import { pollingConfig } from './config/polling.config';
import { NotifyController } from './notify.controller';
import { NotifyService } from './notify.service';
import { PollingMetrics } from './polling.metrics';
import { PollingScheduler } from './polling.scheduler';
import { PollingService } from './polling.service';

@Module({
  imports: [ConfigModule.forFeature(pollingConfig), ScheduleModule.forRoot(), ChannelsModule, MjModule],
  controllers: [NotifyController],
  providers: [PollingService, PollingScheduler, PollingMetrics, NotifyService, ChannelWatchScheduler],
  exports: [PollingService],
})
export class PollingModule {}
