import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, type AuthUser } from '@app/core';
import { ApiEnvelope, ApiErrors } from '@app/core';
import { RequestOrigin } from '@app/core';
import { ListMyTasksQuery } from './dto/list-tasks.query.dto';
import { TaskPageDto } from './dto/task.dto';
import { MjService } from './mj.service';

@ApiTags('tasks')
@Controller('api/mj')
export class MjController {
  constructor(private readonly mj: MjService) {}

  @Get('self')
  @Authenticated()
  @ApiOperation({ summary: "The caller's own Midjourney tasks, newest first" })
  @ApiEnvelope(TaskPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listMyTasks(@Auth() auth: AuthUser, @Query() query: ListMyTasksQuery, @RequestOrigin() origin: string): Promise<TaskPageDto> {
    return this.mj.listForOwner(auth.id, query, origin);
  }
}
