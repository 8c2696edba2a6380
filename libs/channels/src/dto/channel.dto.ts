import { PageOf } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { Channel } from '../channel.entity';

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
    max_running: channel.maxRunning,
    max_queued: channel.maxQueued,
    created_at: Math.floor(channel.createdAt.getTime() / 1000),
    updated_at: Math.floor(channel.updatedAt.getTime() / 1000),
  };
}

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const trimSlash = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/\/+$/, '') : value);

export class CreateChannelDto {
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

export class UpdateChannelDto {
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
