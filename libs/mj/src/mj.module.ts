import { Global, Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AuthModule } from '@app/auth';
import { BillingModule } from '@app/billing';
import { TaskMediaSource } from '@app/core';
import { ProxyModule } from '@app/proxy';
import { HookOutboxModule } from '@app/hooks';
import { TaskStreamController } from './events/task-stream.controller';
import { TaskStreamService } from './events/task-stream.service';
import { UsedTicketsRepository } from './events/used-tickets.repository';
import { MjAdminController } from './mj-admin.controller';
import { MjController } from './mj.controller';
import { MjService } from './mj.service';
import { Task } from './task.entity';
import { TaskMetrics } from './task.metrics';
import { TaskStore } from './task.store';

/**
 * The task row's owner (TaskStore), the seed's two lists and the live stream. Global: the media library reads tasks
 * through core's TaskMediaSource, which this module answers (the media library cannot import it: we import it).
 */
@Global()
@Module({
  imports: [AuthModule, BillingModule, MikroOrmModule.forFeature([Task]), ProxyModule, HookOutboxModule],
  controllers: [MjController, MjAdminController, TaskStreamController],
  providers: [
    MjService,
    TaskStreamService,
    UsedTicketsRepository,
    TaskStore,
    TaskMetrics,
    { provide: TaskMediaSource, useExisting: TaskStore },
  ],
  exports: [MjService, TaskStore, TaskMediaSource, MikroOrmModule],
})
export class MjModule {}
