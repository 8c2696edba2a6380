import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { BillingModule } from '@app/billing';
import { ChannelsModule } from '@app/channels';
import { pollingConfig } from './config/polling.config';
import { NotifyController } from './notify.controller';
import { NotifyService } from './notify.service';
import { PollingMetrics } from './polling.metrics';
import { PollingScheduler } from './polling.scheduler';
import { PollingService } from './polling.service';
import { TaskWriter } from './task-writer';

@Module({
  imports: [ConfigModule.forFeature(pollingConfig), ScheduleModule.forRoot(), BillingModule, ChannelsModule],
  controllers: [NotifyController],
  providers: [PollingService, PollingScheduler, PollingMetrics, TaskWriter, NotifyService],
  exports: [PollingService],
})
export class PollingModule {}
