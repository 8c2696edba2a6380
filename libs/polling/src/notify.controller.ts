import { Body, Controller, HttpCode, HttpStatus, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors } from '@app/core';
import { NotifyService } from './notify.service';

export class NotifyResultDto {
  @ApiProperty({ example: true, description: 'Whether the callback changed the task (duplicates and stale ones do not)' })
  changed: boolean;
}

@ApiTags('notify')
@Controller('notify/mj')
export class NotifyController {
  constructor(private readonly notify: NotifyService) {}

  @Post(':channelId/:token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Where an upstream posts task updates (its notifyHook); the URL carries the channel's token" })
  @ApiEnvelope(NotifyResultDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.FORBIDDEN, HttpStatus.NOT_FOUND)
  receiveNotify(
    @Param('channelId', new ParseIntPipe({ errorHttpStatusCode: HttpStatus.FORBIDDEN })) channelId: number,
    @Param('token') token: string,
    @Body() body: unknown,
  ): Promise<NotifyResultDto> {
    return this.notify.receive(channelId, token, body);
  }
}
