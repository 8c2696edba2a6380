import { PageOf } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { BOTS, type Bot, CHANNEL_ACTIONS, type ChannelAction, resolveCapabilities, SPEED_MODES, type SpeedMode } from '../capabilities';
import { type Channel, CHANNEL_STATES, type ChannelState } from '../channel.entity';

export class CapabilitiesDto {
  @ApiProperty({ enum: CHANNEL_ACTIONS, isArray: true, example: ['imagine', 'upscale', 'variation'] })
  actions: ChannelAction[];

  @ApiProperty({ enum: SPEED_MODES, isArray: true, example: ['fast', 'relax'] })
  modes: SpeedMode[];

  @ApiProperty({ enum: BOTS, isArray: true, example: ['mj', 'niji'] })
  bots: Bot[];

  @ApiProperty({ example: true, description: 'The upstream returns v7 imageUrls (the four images of a grid)' })
  image_urls: boolean;
}

/** A change of capabilities: each list given replaces the channel's; one left out stays as it is. */
export class CapabilitiesPatchDto {
  @ApiPropertyOptional({ enum: CHANNEL_ACTIONS, isArray: true })
  @IsOptional()
  @IsArray({ message: 'capabilities.actions must be an array' })
  @ArrayUnique({ message: 'capabilities.actions must not repeat an action' })
  @IsIn(CHANNEL_ACTIONS, { each: true, message: `capabilities.actions may hold: ${CHANNEL_ACTIONS.join(', ')}` })
  actions?: ChannelAction[];

  @ApiPropertyOptional({ enum: SPEED_MODES, isArray: true })
  @IsOptional()
  @IsArray({ message: 'capabilities.modes must be an array' })
  @ArrayUnique({ message: 'capabilities.modes must not repeat a mode' })
  @IsIn(SPEED_MODES, { each: true, message: `capabilities.modes may hold: ${SPEED_MODES.join(', ')}` })
  modes?: SpeedMode[];

  @ApiPropertyOptional({ enum: BOTS, isArray: true })
  @IsOptional()
  @IsArray({ message: 'capabilities.bots must be an array' })
  @ArrayUnique({ message: 'capabilities.bots must not repeat a bot' })
  @IsIn(BOTS, { each: true, message: `capabilities.bots may hold: ${BOTS.join(', ')}` })
  bots?: Bot[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'capabilities.image_urls must be true or false' })
  image_urls?: boolean;
}

/** Breaker, capability and pacing settings, the same on create and change. */
class ChannelHealthSettingsDto {
  @ApiPropertyOptional({ description: 'Failures within breaker_window_s that open the breaker (default 5)' })
  @IsOptional()
  @IsInt({ message: 'breaker_failures must be an integer between 1 and 1000' })
  @Min(1, { message: 'breaker_failures must be an integer between 1 and 1000' })
  @Max(1000, { message: 'breaker_failures must be an integer between 1 and 1000' })
  breaker_failures?: number;

  @ApiPropertyOptional({ description: 'Seconds over which failures are counted (default 60)' })
  @IsOptional()
  @IsInt({ message: 'breaker_window_s must be an integer between 1 and 86400' })
  @Min(1, { message: 'breaker_window_s must be an integer between 1 and 86400' })
  @Max(86400, { message: 'breaker_window_s must be an integer between 1 and 86400' })
  breaker_window_s?: number;

  @ApiPropertyOptional({ description: 'Seconds open before a probe; doubles on each failed probe, up to 1 h (default 120)' })
  @IsOptional()
  @IsInt({ message: 'breaker_cooldown_s must be an integer between 1 and 3600' })
  @Min(1, { message: 'breaker_cooldown_s must be an integer between 1 and 3600' })
  @Max(3600, { message: 'breaker_cooldown_s must be an integer between 1 and 3600' })
  breaker_cooldown_s?: number;

  @ApiPropertyOptional({ type: CapabilitiesPatchDto, description: 'What the channel serves; a list left out means all' })
  @IsOptional()
  @IsObject({ message: 'capabilities must be an object' })
  @ValidateNested()
  @Type(() => CapabilitiesPatchDto)
  capabilities?: CapabilitiesPatchDto;

  @ApiPropertyOptional({ description: 'Pacing: least milliseconds between two submits (0: none) (default 0)' })
  @IsOptional()
  @IsInt({ message: 'min_gap_ms must be an integer between 0 and 3600000' })
  @Min(0, { message: 'min_gap_ms must be an integer between 0 and 3600000' })
  @Max(3_600_000, { message: 'min_gap_ms must be an integer between 0 and 3600000' })
  min_gap_ms?: number;

  @ApiPropertyOptional({ description: 'Pacing: up to this many milliseconds added to the gap at random (default 0)' })
  @IsOptional()
  @IsInt({ message: 'gap_jitter_ms must be an integer between 0 and 3600000' })
  @Min(0, { message: 'gap_jitter_ms must be an integer between 0 and 3600000' })
  @Max(3_600_000, { message: 'gap_jitter_ms must be an integer between 0 and 3600000' })
  gap_jitter_ms?: number;

  @ApiPropertyOptional({ description: 'Pacing: most submits per UTC day (0: no cap) (default 0)' })
  @IsOptional()
  @IsInt({ message: 'daily_cap must be an integer between 0 and 1000000' })
  @Min(0, { message: 'daily_cap must be an integer between 0 and 1000000' })
  @Max(1_000_000, { message: 'daily_cap must be an integer between 0 and 1000000' })
  daily_cap?: number;
}

export class ChannelDto {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'Main upstream' })
  name: string;

  @ApiProperty({ example: 'https://mj-proxy.example.com' })
  base_url: string;

  @ApiProperty({ example: 'midjourney-proxy', description: 'The upstream kind that serves the channel (modules may add kinds)' })
  type: string;

  @ApiProperty({ example: 'sk-s…3f', description: 'The secret, masked; "" when none is set' })
  secret_mask: string;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ example: 0, description: 'Higher is tried first' })
  priority: number;

  @ApiProperty({ example: 1, description: 'Share of traffic among channels of equal priority' })
  weight: number;

  @ApiProperty({ example: false, description: 'The upstream is given our notifyHook, so results arrive before the next poll' })
  notify_enabled: boolean;

  @ApiProperty({
    enum: CHANNEL_STATES,
    example: 'closed',
    description: 'The breaker: closed (in use), open, half_open (probing), disabled',
  })
  state: ChannelState;

  @ApiProperty({ example: '5 failures within 60 s, the last: upstream answered HTTP 500', description: 'Why it is in this state' })
  state_reason: string;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  state_since: number;

  @ApiProperty({ example: 5 })
  breaker_failures: number;

  @ApiProperty({ example: 60 })
  breaker_window_s: number;

  @ApiProperty({ example: 120 })
  breaker_cooldown_s: number;

  @ApiProperty({ type: CapabilitiesDto })
  capabilities: CapabilitiesDto;

  @ApiProperty({ example: 0 })
  min_gap_ms: number;

  @ApiProperty({ example: 0 })
  gap_jitter_ms: number;

  @ApiProperty({ example: 0 })
  daily_cap: number;

  @ApiProperty({
    example: 3,
    description: 'Tasks the upstream runs at once (its coreSize); 0: no limit, the gateway never queues for this channel',
  })
  max_running: number;

  @ApiProperty({
    example: 10,
    description: 'Tasks the upstream queues behind the running ones (its queueSize); past both, the gateway queues',
  })
  max_queued: number;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  created_at: number;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  updated_at: number;
}

function mask(secret: string): string {
  if (!secret) return '';
  if (secret.length <= 6) return '••••';
  return `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}

export function toChannelDto(channel: Channel): ChannelDto {
  return {
    id: channel.id,
    name: channel.name,
    base_url: channel.baseUrl,
    type: channel.type,
    secret_mask: mask(channel.secret),
    enabled: channel.enabled,
    priority: channel.priority,
    weight: channel.weight,
    notify_enabled: channel.notifyEnabled,
    state: channel.state,
    state_reason: channel.stateReason,
    state_since: Math.floor(channel.stateSince.getTime() / 1000),
    breaker_failures: channel.breakerFailures,
    breaker_window_s: channel.breakerWindowS,
    breaker_cooldown_s: channel.breakerCooldownS,
    capabilities: resolveCapabilities(channel.capabilities),
    min_gap_ms: channel.minGapMs,
    gap_jitter_ms: channel.gapJitterMs,
    daily_cap: channel.dailyCap,
    max_running: channel.maxRunning,
    max_queued: channel.maxQueued,
    created_at: Math.floor(channel.createdAt.getTime() / 1000),
    updated_at: Math.floor(channel.updatedAt.getTime() / 1000),
  };
}

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const trimSlash = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/\/+$/, '') : value);

export class CreateChannelDto extends ChannelHealthSettingsDto {
  @ApiProperty({ example: 'Main upstream' })
  @IsString({ message: 'name must be a string' })
  @MinLength(1, { message: 'name is required' })
  @MaxLength(64, { message: 'name must be at most 64 characters' })
  name: string;

  @ApiProperty({ example: 'https://mj-proxy.example.com', description: 'Where the upstream serves /mj/...' })
  @Transform(trimSlash)
  @IsUrl(URL_OPTIONS, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000, { message: 'base_url is too long' })
  base_url: string;

  @ApiPropertyOptional({ example: 'midjourney-proxy', description: 'The upstream kind (default midjourney-proxy; modules may add kinds)' })
  @IsOptional()
  @IsString({ message: 'type must be a string' })
  @MinLength(1, { message: 'type must not be empty' })
  @MaxLength(64, { message: 'type must be at most 64 characters' })
  type?: string;

  @ApiPropertyOptional({ example: 'upstream-secret', description: 'Sent as mj-api-secret; write-only', writeOnly: true })
  @IsOptional()
  @IsString({ message: 'secret must be a string' })
  @MaxLength(512, { message: 'secret must be at most 512 characters' })
  secret?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @IsInt({ message: 'priority must be an integer' })
  @Min(-1000, { message: 'priority must be between -1000 and 1000' })
  @Max(1000, { message: 'priority must be between -1000 and 1000' })
  priority?: number;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @IsInt({ message: 'weight must be an integer between 1 and 1000' })
  @Min(1, { message: 'weight must be an integer between 1 and 1000' })
  @Max(1000, { message: 'weight must be an integer between 1 and 1000' })
  weight?: number;

  @ApiPropertyOptional({ default: false, description: 'Give the upstream our notifyHook' })
  @IsOptional()
  @IsBoolean({ message: 'notify_enabled must be true or false' })
  notify_enabled?: boolean;

  @ApiPropertyOptional({ default: 3, description: 'Tasks the upstream runs at once (its coreSize); 0: no limit' })
  @IsOptional()
  @IsInt({ message: 'max_running must be an integer between 0 and 100000' })
  @Min(0, { message: 'max_running must be an integer between 0 and 100000' })
  @Max(100000, { message: 'max_running must be an integer between 0 and 100000' })
  max_running?: number;

  @ApiPropertyOptional({ default: 10, description: 'Tasks the upstream queues behind the running ones (its queueSize)' })
  @IsOptional()
  @IsInt({ message: 'max_queued must be an integer between 0 and 100000' })
  @Min(0, { message: 'max_queued must be an integer between 0 and 100000' })
  @Max(100000, { message: 'max_queued must be an integer between 0 and 100000' })
  max_queued?: number;
}

export class UpdateChannelDto extends ChannelHealthSettingsDto {
  @ApiPropertyOptional({ example: 'Main upstream' })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(64, { message: 'name must be at most 64 characters' })
  name?: string;

  @ApiPropertyOptional({ example: 'https://mj-proxy.example.com' })
  @IsOptional()
  @Transform(trimSlash)
  @IsUrl(URL_OPTIONS, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000, { message: 'base_url is too long' })
  base_url?: string;

  @ApiPropertyOptional({ example: 'midjourney-proxy', description: 'The upstream kind (default midjourney-proxy; modules may add kinds)' })
  @IsOptional()
  @IsString({ message: 'type must be a string' })
  @MinLength(1, { message: 'type must not be empty' })
  @MaxLength(64, { message: 'type must be at most 64 characters' })
  type?: string;

  @ApiPropertyOptional({ description: 'New secret; "" removes it', writeOnly: true })
  @IsOptional()
  @IsString({ message: 'secret must be a string' })
  @MaxLength(512, { message: 'secret must be at most 512 characters' })
  secret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt({ message: 'priority must be an integer' })
  @Min(-1000, { message: 'priority must be between -1000 and 1000' })
  @Max(1000, { message: 'priority must be between -1000 and 1000' })
  priority?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt({ message: 'weight must be an integer between 1 and 1000' })
  @Min(1, { message: 'weight must be an integer between 1 and 1000' })
  @Max(1000, { message: 'weight must be an integer between 1 and 1000' })
  weight?: number;

  @ApiPropertyOptional({ description: 'Give the upstream our notifyHook' })
  @IsOptional()
  @IsBoolean({ message: 'notify_enabled must be true or false' })
  notify_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Tasks the upstream runs at once (its coreSize); 0: no limit' })
  @IsOptional()
  @IsInt({ message: 'max_running must be an integer between 0 and 100000' })
  @Min(0, { message: 'max_running must be an integer between 0 and 100000' })
  @Max(100000, { message: 'max_running must be an integer between 0 and 100000' })
  max_running?: number;

  @ApiPropertyOptional({ description: 'Tasks the upstream queues behind the running ones (its queueSize)' })
  @IsOptional()
  @IsInt({ message: 'max_queued must be an integer between 0 and 100000' })
  @Min(0, { message: 'max_queued must be an integer between 0 and 100000' })
  @Max(100000, { message: 'max_queued must be an integer between 0 and 100000' })
  max_queued?: number;
}

export class ChannelPageDto extends PageOf(ChannelDto) {}

export class ChannelTestDto {
  @ApiProperty({ example: true })
  reachable: boolean;

  @ApiProperty({ example: true, description: 'The upstream accepted the secret' })
  authorized: boolean;

  @ApiProperty({ example: 12 })
  latency_ms: number;

  @ApiProperty({ example: 200, description: 'HTTP status of the probe; 0 when unreachable' })
  status: number;

  @ApiProperty({ example: 'OK' })
  message: string;
}

export class ChannelEventDto {
  @ApiProperty({ example: 12 })
  id: number;

  @ApiProperty({ example: 1 })
  channel_id: number;

  @ApiProperty({ enum: CHANNEL_STATES, example: 'closed' })
  from_state: ChannelState;

  @ApiProperty({ enum: CHANNEL_STATES, example: 'open' })
  to_state: ChannelState;

  @ApiProperty({ example: '5 failures within 60 s, the last: upstream answered HTTP 500' })
  reason: string;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  created_at: number;
}

export class ChannelEventPageDto extends PageOf(ChannelEventDto) {}

export class AlertSettingsDto {
  @ApiProperty({ example: 'https://ops.example.com/mj-alerts', description: 'ALERT_WEBHOOK_URL; "" when alerts go to the log only' })
  webhook_url: string;

  @ApiProperty({ description: 'Hex key of X-MJ-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">' })
  signing_key: string;
}
