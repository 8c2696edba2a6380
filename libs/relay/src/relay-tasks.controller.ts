import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, Authenticated, type AuthUser, RawResponse } from '@app/core';
import type { Task as ProtocolTask, SubmitResultVO } from '@app/mj-protocol';
import { RequestOrigin } from '@app/core';
import { CancelResultDto, ImageSeedDto, ListByConditionDto, ProtocolTaskDto, RelayErrorDto, SubmitResultDto } from './dto/protocol.dto';
import { RelayTasksService } from './relay-tasks.service';

@ApiTags('relay')
@Controller('mj/task')
@Authenticated({ apiKey: true })
@RawResponse()
export class RelayTasksController {
  constructor(private readonly tasks: RelayTasksService) {}

  @Get(':id/fetch')
  @ApiOperation({ summary: "One of the caller's tasks, from the gateway's database" })
  @ApiResponse({ status: 200, type: ProtocolTaskDto })
  @ApiResponse({ status: 404, type: RelayErrorDto, description: "No such task among the caller's" })
  fetchTask(@Auth() auth: AuthUser, @Param('id') id: string, @RequestOrigin() origin: string): Promise<ProtocolTask> {
    return this.tasks.fetch(auth, id, origin);
  }

  @Post('list-by-condition')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "The caller's tasks among these ids; unknown ids are left out" })
  @ApiBody({ type: ListByConditionDto })
  @ApiResponse({ status: 200, type: [ProtocolTaskDto] })
  @ApiResponse({ status: 400, type: RelayErrorDto })
  listTasksByCondition(@Auth() auth: AuthUser, @Body() body: unknown, @RequestOrigin() origin: string): Promise<ProtocolTask[]> {
    return this.tasks.listByCondition(auth, body, origin);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cancel a task still waiting in the gateway queue',
    description: 'The task becomes CANCEL and its hold is refunded in full; it is never sent upstream. A task already sent is a 409.',
  })
  @ApiResponse({ status: 200, type: CancelResultDto })
  @ApiResponse({ status: 404, type: RelayErrorDto, description: "No such task among the caller's" })
  @ApiResponse({ status: 409, type: RelayErrorDto, description: 'The task is no longer queued at the gateway' })
  cancelTask(@Auth() auth: AuthUser, @Param('id') id: string, @RequestOrigin() origin: string): Promise<unknown> {
    return this.tasks.cancel(auth, id, origin);
  }

  @Get(':id/image-seed')
  @ApiOperation({ summary: 'The seed of a finished task, from its own upstream' })
  @ApiResponse({ status: 200, type: ImageSeedDto })
  @ApiResponse({ status: 404, type: RelayErrorDto })
  async getImageSeed(@Auth() auth: AuthUser, @Param('id') id: string, @Res({ passthrough: true }) res: FastifyReply): Promise<unknown> {
    const answer = await this.tasks.imageSeed(auth, id);
    res.status(answer.status);
    return answer.body;
  }

  @Post(':id/revoke-links')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Revokes the durable media links of one of the caller's tasks",
    description:
      'Every link handed out for this task so far stops working (within 5 s on every instance); fetch answers new ones. ' +
      '`result` is the task id.',
  })
  @ApiResponse({ status: 200, type: SubmitResultDto })
  @ApiResponse({ status: 404, type: RelayErrorDto, description: "No such task among the caller's" })
  revokeTaskLinks(@Auth() auth: AuthUser, @Param('id') id: string): Promise<SubmitResultVO> {
    return this.tasks.revokeLinks(auth, id);
  }
}
