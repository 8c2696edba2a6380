import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors, Authenticated, IdParam, PageQuery } from '@app/core';
import { ChannelsService } from './channels.service';
import {
  AlertSettingsDto,
  ChannelDto,
  ChannelEventPageDto,
  ChannelPageDto,
  ChannelTestDto,
  CreateChannelDto,
  UpdateChannelDto,
} from './dto/channel.dto';

@ApiTags('channels')
@Controller('api/channels')
@Authenticated({ admin: true })
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiOperation({ summary: 'List channels (admin), highest priority first' })
  @ApiEnvelope(ChannelPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listChannels(@Query() query: PageQuery): Promise<ChannelPageDto> {
    return this.channels.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Add a midjourney-proxy upstream (admin)' })
  @ApiEnvelope(ChannelDto, { status: HttpStatus.CREATED })
  @ApiErrors(HttpStatus.BAD_REQUEST)
  createChannel(@Body() dto: CreateChannelDto): Promise<ChannelDto> {
    return this.channels.create(dto);
  }

  @Get('alerts')
  @ApiOperation({ summary: 'Where operator alerts go and the key their X-MJ-Signature is made with (admin)' })
  @ApiEnvelope(AlertSettingsDto)
  getAlertSettings(): AlertSettingsDto {
    return this.channels.alertSettings();
  }

  @Get(':id/events')
  @ApiOperation({ summary: "A channel's state changes, newest first (admin)" })
  @ApiEnvelope(ChannelEventPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  listChannelEvents(@Param() params: IdParam, @Query() query: PageQuery): Promise<ChannelEventPageDto> {
    return this.channels.events(params.id, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a channel (admin); the secret is masked' })
  @ApiEnvelope(ChannelDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  getChannel(@Param() params: IdParam): Promise<ChannelDto> {
    return this.channels.get(params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a channel (admin)' })
  @ApiEnvelope(ChannelDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  updateChannel(@Param() params: IdParam, @Body() dto: UpdateChannelDto): Promise<ChannelDto> {
    return this.channels.update(params.id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Delete a channel (admin); its unfinished tasks fail and are refunded' })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  deleteChannel(@Param() params: IdParam): Promise<void> {
    return this.channels.remove(params.id);
  }

  @Post(':id/test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Probe the upstream: reachability, secret and latency (admin); closes an open breaker, disables on a refused secret',
  })
  @ApiEnvelope(ChannelTestDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  testChannel(@Param() params: IdParam): Promise<ChannelTestDto> {
    return this.channels.test(params.id);
  }
}
