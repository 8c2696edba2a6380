import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { MjAdminController } from './mj-admin.controller';
import { MjController } from './mj.controller';
import { MjService } from './mj.service';
import { Task } from './task.entity';

@Module({
  imports: [MikroOrmModule.forFeature([Task])],
  controllers: [MjController, MjAdminController],
  providers: [MjService],
  exports: [MjService, MikroOrmModule],
})
export class MjModule {}
