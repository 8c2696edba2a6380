import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ProxyModule } from '@app/proxy';
import { ConfigModule } from '@nestjs/config';
import { authConfig, AuthModule } from '@app/auth';
import { TaskStreamController } from './events/task-stream.controller';
import { TaskStreamService } from './events/task-stream.service';
import { UsedTicketsRepository } from './events/used-tickets.repository';
import { MjAdminController } from './mj-admin.controller';
import { MjController } from './mj.controller';
import { MjService } from './mj.service';
import { Task } from './task.entity';

@Module({
  imports: [ConfigModule.forFeature(authConfig), AuthModule, MikroOrmModule.forFeature([Task]), ProxyModule],
  controllers: [MjController, MjAdminController, TaskStreamController],
  providers: [MjService, TaskStreamService, UsedTicketsRepository],
  exports: [MjService, MikroOrmModule],
})
export class MjModule {}
