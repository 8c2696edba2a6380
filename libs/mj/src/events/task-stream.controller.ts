import { Controller, Get, HttpCode, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiEnvelope, ApiErrors, Auth, Authenticated, type AuthUser, RawResponse } from '@app/core';
import { TaskStreamService, TicketDto } from './task-stream.service';

export class EventTicketDto implements TicketDto {
  @ApiProperty({ example: 'eyJhbGciOi…', description: 'Pass as ?ticket= to GET /api/mj/events' })
  ticket: string;

  @ApiProperty({ example: 60, description: 'Seconds the ticket may be used to connect' })
  expires_in: number;
}

const HEARTBEAT_MS = 15000;

@ApiTags('tasks')
@Controller('api/mj/events')
export class TaskStreamController {
  constructor(private readonly stream: TaskStreamService) {}

  @Post('ticket')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({ summary: 'A one-minute ticket to open the live task stream' })
  @ApiEnvelope(EventTicketDto)
  createEventTicket(@Auth() auth: AuthUser): Promise<EventTicketDto> {
    return this.stream.ticketFor(auth);
  }

  @Get()
  @RawResponse()
  @ApiOperation({
    summary: 'Live task changes (Server-Sent Events): own tasks, or all for admins',
    description: 'Each event is `event: task` with data `{id, user_id, channel_id, mj_id, action, status, progress, at}`.',
  })
  @ApiQuery({ name: 'ticket', required: true })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream' })
  @ApiErrors(HttpStatus.UNAUTHORIZED)
  async streamTaskEvents(@Query('ticket') ticket: unknown, @Res() reply: FastifyReply): Promise<void> {
    const viewer = await this.stream.redeem(ticket);
    // From here on the stream is written by hand: Fastify must not answer this request itself.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\n: connected as ${viewer.username}\n\n`);
    const unsubscribe = this.stream.subscribe(viewer, (event) => res.write(`event: task\ndata: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
