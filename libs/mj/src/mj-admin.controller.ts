import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@app/core';
import { ApiEnvelope, ApiErrors } from '@app/core';
import { RequestOrigin } from '@app/core';
import { ListAllTasksQuery } from './dto/list-tasks.query.dto';
import { TaskFiguresDto, TaskFiguresQuery } from './dto/task-figures.dto';
import { AdminTaskPageDto, QueueDepthsDto } from './dto/task.dto';
import { MjService } from './mj.service';

@ApiTags('tasks')
@Controller('api/mj')
export class MjAdminController {
  constructor(private readonly mj: MjService) {}

  @Get()
  @Authenticated({ admin: true })
  @ApiOperation({ summary: "All users' Midjourney tasks, newest first (admin)" })
  @ApiEnvelope(AdminTaskPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listAllTasks(@Query() query: ListAllTasksQuery, @RequestOrigin() origin: string): Promise<AdminTaskPageDto> {
    return this.mj.listAll(query, origin);
  }

  @Get('figures')
  @Authenticated({ admin: true })
  @ApiOperation({ summary: 'Success rate per channel, p50/p95 time to finish by action × mode, stuck tasks (admin)' })
  @ApiEnvelope(TaskFiguresDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  getTaskFigures(@Query() query: TaskFiguresQuery): Promise<TaskFiguresDto> {
    return this.mj.figures(query);
  }

  @Get('queue')
  @Authenticated({ admin: true })
  @ApiOperation({ summary: "Per channel: tasks waiting in the gateway's queue and tasks in flight upstream (admin)" })
  @ApiEnvelope(QueueDepthsDto)
  getQueueDepths(): Promise<QueueDepthsDto> {
    return this.mj.queueDepths();
  }
}
