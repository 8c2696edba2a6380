import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { BadRequestError, NotFoundError, PageQuery, pageWindow, Sql } from '@app/core';
import type { StoredCapabilities } from './capabilities';
import { ChannelAlerts } from './channel-alerts';
import { ChannelHealth } from './channel-health.service';
import { Channel } from './channel.entity';
import { ChannelRepository } from './channel.repository';
import {
  AlertSettingsDto,
  ChannelDto,
  ChannelEventDto,
  ChannelEventPageDto,
  ChannelPageDto,
  ChannelTestDto,
  CreateChannelDto,
  toChannelDto,
  UpdateChannelDto,
} from './dto/channel.dto';
import { UpstreamClient } from './upstream.client';

type HealthSettings = Omit<UpdateChannelDto, 'name' | 'base_url' | 'secret' | 'enabled' | 'priority' | 'weight' | 'notify_enabled'>;

/** Breaker, capability and pacing settings of a create or change onto the entity. */
function applySettings(channel: Channel, dto: HealthSettings): void {
  if (dto.breaker_failures !== undefined) channel.breakerFailures = dto.breaker_failures;
  if (dto.breaker_window_s !== undefined) channel.breakerWindowS = dto.breaker_window_s;
  if (dto.breaker_cooldown_s !== undefined) channel.breakerCooldownS = dto.breaker_cooldown_s;
  if (dto.min_gap_ms !== undefined) channel.minGapMs = dto.min_gap_ms;
  if (dto.gap_jitter_ms !== undefined) channel.gapJitterMs = dto.gap_jitter_ms;
  if (dto.daily_cap !== undefined) channel.dailyCap = dto.daily_cap;
  if (dto.capabilities) {
    const next: StoredCapabilities = { ...channel.capabilities };
    for (const key of ['actions', 'modes', 'bots', 'image_urls'] as const) {
      if (dto.capabilities[key] !== undefined) (next as Record<string, unknown>)[key] = dto.capabilities[key];
    }
    channel.capabilities = next;
  }
}

@Injectable()
export class ChannelsService {
  constructor(
    private readonly em: EntityManager,
    private readonly channels: ChannelRepository,
    private readonly upstream: UpstreamClient,
    private readonly health: ChannelHealth,
    private readonly alerts: ChannelAlerts,
    private readonly sql: Sql,
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
    if (dto.enabled === false) {
      channel.state = 'disabled';
      channel.stateReason = 'disabled by an admin';
    }
    applySettings(channel, dto);
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
    if (dto.priority !== undefined) channel.priority = dto.priority;
    if (dto.weight !== undefined) channel.weight = dto.weight;
    if (dto.notify_enabled !== undefined) channel.notifyEnabled = dto.notify_enabled;
    applySettings(channel, dto);
    if (dto.max_running !== undefined) channel.maxRunning = dto.max_running;
    if (dto.max_queued !== undefined) channel.maxQueued = dto.max_queued;
    await this.em.flush();
    // The state moves in one statement of its own (with its event), like every other transition.
    if (dto.enabled !== undefined && dto.enabled !== channel.enabled) {
      if (dto.enabled) await this.sql.query('UPDATE channels SET enabled = true WHERE id = ?', [id]);
      await this.health.adminSwitch(id, dto.enabled);
      await this.em.refresh(channel);
    }
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

  /** The channel test; also a probe of the breaker: success closes an open channel, a refused secret disables it. */
  async test(id: number): Promise<ChannelTestDto> {
    const channel = await this.require(id);
    const probe = await this.upstream.probe(channel);
    await this.health.applyProbe(channel, probe);
    return probe;
  }

  /** The channel's state changes, newest first. */
  async events(id: number, query: PageQuery): Promise<ChannelEventPageDto> {
    await this.require(id);
    const { page, pageSize, offset } = pageWindow(query);
    const [count, items] = await Promise.all([
      this.sql.query<{ n: string }>('SELECT count(*) AS n FROM channel_events WHERE channel_id = ?', [id]),
      this.sql.query<ChannelEventDto>(
        `SELECT id::int, channel_id, from_state, to_state, reason, extract(epoch FROM created_at)::int AS created_at
         FROM channel_events WHERE channel_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`,
        [id, pageSize, offset],
      ),
    ]);
    return { items, total: Number(count[0].n), page, page_size: pageSize };
  }

  alertSettings(): AlertSettingsDto {
    return { webhook_url: this.alerts.webhookUrl, signing_key: this.alerts.signingKey() };
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
