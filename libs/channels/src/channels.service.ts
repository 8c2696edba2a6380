import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { BadRequestError, NotFoundError, PageQuery, pageWindow } from '@app/core';
import { Channel } from './channel.entity';
import { ChannelRepository } from './channel.repository';
import { ChannelDto, ChannelPageDto, ChannelTestDto, CreateChannelDto, toChannelDto, UpdateChannelDto } from './dto/channel.dto';
import { UpstreamClient } from './upstream.client';

@Injectable()
export class ChannelsService {
  constructor(
    private readonly em: EntityManager,
    private readonly channels: ChannelRepository,
    private readonly upstream: UpstreamClient,
  ) {}

  async list(query: PageQuery): Promise<ChannelPageDto> {
    const { page, pageSize, offset } = pageWindow(query);
    const [channels, total] = await this.channels.findPage(offset, pageSize);
    return { items: channels.map(toChannelDto), total, page, page_size: pageSize };
  }

  async get(id: number): Promise<ChannelDto> {
    return toChannelDto(await this.require(id));
  }

  async create(dto: CreateChannelDto): Promise<ChannelDto> {
    const channel = this.channels.create({
      name: dto.name,
      baseUrl: dto.base_url,
      type: this.kindOf(dto.type),
      secret: dto.secret ?? '',
      enabled: dto.enabled ?? true,
      priority: dto.priority ?? 0,
      weight: dto.weight ?? 1,
      notifyEnabled: dto.notify_enabled ?? false,
      maxRunning: dto.max_running ?? 3,
      maxQueued: dto.max_queued ?? 10,
    });
    await this.em.persistAndFlush(channel);
    this.channels.forgetEnabled();
    return toChannelDto(channel);
  }

  async update(id: number, dto: UpdateChannelDto): Promise<ChannelDto> {
    const channel = await this.require(id);
    if (dto.name !== undefined) channel.name = dto.name;
    if (dto.base_url !== undefined) channel.baseUrl = dto.base_url;
    if (dto.type !== undefined) channel.type = this.kindOf(dto.type);
    if (dto.secret !== undefined) channel.secret = dto.secret;
    if (dto.enabled !== undefined) channel.enabled = dto.enabled;
    if (dto.priority !== undefined) channel.priority = dto.priority;
    if (dto.weight !== undefined) channel.weight = dto.weight;
    if (dto.notify_enabled !== undefined) channel.notifyEnabled = dto.notify_enabled;
    if (dto.max_running !== undefined) channel.maxRunning = dto.max_running;
    if (dto.max_queued !== undefined) channel.maxQueued = dto.max_queued;
    await this.em.flush();
    this.channels.forgetEnabled();
    return toChannelDto(channel);
  }

  /** Soft delete: the row stays so its tasks keep their channel; the poller fails and refunds what was unfinished. */
  async remove(id: number): Promise<void> {
    const channel = await this.require(id);
    channel.deletedAt = new Date();
    channel.enabled = false;
    await this.em.flush();
    this.channels.forgetEnabled();
  }

  async test(id: number): Promise<ChannelTestDto> {
    return this.upstream.probe(await this.require(id));
  }

  /** A kind some loaded module serves (the built-in midjourney-proxy when none is given). */
  private kindOf(type: string | undefined): string {
    const kinds = this.upstream.kinds();
    if (type === undefined) return kinds[0];
    if (!kinds.includes(type))
      throw new BadRequestError(`type must be one of the loaded upstream kinds: ${kinds.join(', ')}`, { type: 'unknown upstream kind' });
    return type;
  }

  private async require(id: number): Promise<Channel> {
    const channel = await this.channels.findLive(id);
    if (!channel) throw new NotFoundError(`Channel ${id} not found`);
    return channel;
  }
}
