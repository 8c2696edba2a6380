import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, type AuthUser, IdParam } from '@app/core';
import { ApiEnvelope, ApiErrors } from '@app/core';
import { RequestOrigin } from '@app/core';
import { ListMyTasksQuery } from './dto/list-tasks.query.dto';
import { CancelledTaskDto, TaskPageDto } from './dto/task.dto';
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

  @Post('self/:mj_id/cancel')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    summary: "Cancel one of the caller's tasks still waiting in the gateway queue",
    description: 'CANCEL, its hold refunded in full, never sent upstream; a task already sent upstream (or finished) is a 409.',
  })
  @ApiEnvelope(CancelledTaskDto)
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  cancelMyTask(@Auth() auth: AuthUser, @Param('mj_id') mjId: string): Promise<CancelledTaskDto> {
    return this.mj.cancelQueued(auth.id, mjId);
  }

  @Post(':id/revoke-links')
  @Authenticated()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Revokes a task's durable media links (the owner, or an admin)",
    description:
      "`id` is the task's `id` in the lists. Every durable link handed out for it so far (the relay's answers, `?sig=…` " +
      "without `exp`) stops working within 5 s on every instance; later answers carry new ones. The console's expiring " +
      'links run out by themselves.',
  })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  revokeTaskLinks(@Auth() auth: AuthUser, @Param() params: IdParam): Promise<void> {
    return this.mj.revokeLinks(auth, params.id);
  }
}
