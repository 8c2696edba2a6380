import { PageOf } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength } from 'class-validator';

const MODES = ['fast', 'relax', 'turbo'] as const;
import type { ApiKey } from './api-key.entity';

const seconds = (date?: Date | null) => (date ? Math.floor(date.getTime() / 1000) : 0);

export class ApiKeyDto {
  @ApiProperty({ example: 3 })
  id: number;

  @ApiProperty({ example: 'my script' })
  name: string;

  @ApiProperty({ example: 'sk-Ab12', description: 'The first characters of the key, to recognise it' })
  key_prefix: string;

  @ApiProperty({ example: 0, description: 'Unix seconds; 0 = never expires' })
  expires_at: number;

  @ApiProperty({ example: 0, description: 'Most quota the key may spend; 0 = no cap beyond the balance' })
  quota_limit: number;

  @ApiProperty({ example: 0, description: 'Most unfinished (queued + running) tasks through this key; 0 = the default (QUEUE_KEY_CAP)' })
  max_tasks: number;

  @ApiProperty({ example: 150000, description: 'Quota spent through this key (net of refunds)' })
  quota_used: number;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds; 0 = never used' })
  last_used_at: number;

  @ApiProperty({
    enum: MODES,
    nullable: true,
    example: null,
    description: "Speed mode of this key's tasks when the route names none; null: the user's",
  })
  default_mode: 'fast' | 'relax' | 'turbo' | null;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  created_at: number;

  @ApiProperty({
    example: 'https://example.com/mj-hook',
    description: "Where this key's tasks report when a submit names no notifyHook; '' = nowhere",
  })
  hook_url: string;
}

export function toApiKeyDto(key: ApiKey): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    key_prefix: key.keyPrefix,
    expires_at: seconds(key.expiresAt),
    quota_limit: key.quotaLimit ?? 0,
    max_tasks: key.maxTasks ?? 0,
    quota_used: key.quotaUsed,
    last_used_at: seconds(key.lastUsedAt),
    default_mode: key.defaultMode ?? null,
    created_at: seconds(key.createdAt),
    hook_url: key.hookUrl ?? '',
  };
}

export class CreatedApiKeyDto {
  @ApiProperty({ example: 3 })
  id: number;

  @ApiProperty({ example: 'my script' })
  name: string;

  @ApiProperty({ example: 'sk-Ab12…', description: 'The key; shown this once, store it now' })
  key: string;

  @ApiProperty({
    example: 'whsec_3q2+7w…',
    description: "The secret this key's callbacks are signed with (X-MJ-Signature); shown this once, and again only when rotated",
  })
  hook_secret: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'my script' })
  @IsString({ message: 'name must be a string' })
  @MinLength(1, { message: 'name is required' })
  @MaxLength(64, { message: 'name must be at most 64 characters' })
  name: string;

  @ApiPropertyOptional({ example: 1798761600, description: 'Unix seconds after which the key stops working' })
  @IsOptional()
  @IsInt({ message: 'expires_at must be Unix seconds' })
  @Min(1, { message: 'expires_at must be Unix seconds' })
  @Max(32503680000, { message: 'expires_at is too far in the future' })
  expires_at?: number;

  @ApiPropertyOptional({ example: 1000000, description: 'Most quota this key may spend; omit or 0 for no cap' })
  @IsOptional()
  @IsInt({ message: 'quota_limit must be an integer >= 0' })
  @Min(0, { message: 'quota_limit must be an integer >= 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'quota_limit is too large' })
  quota_limit?: number;

  @ApiPropertyOptional({ example: 20, description: 'Most unfinished (queued + running) tasks through this key; omit or 0 for the default' })
  @IsOptional()
  @IsInt({ message: 'max_tasks must be an integer between 0 and 1000000' })
  @Min(0, { message: 'max_tasks must be an integer between 0 and 1000000' })
  @Max(1000000, { message: 'max_tasks must be an integer between 0 and 1000000' })
  max_tasks?: number;

  @ApiPropertyOptional({
    example: 'https://example.com/mj-hook',
    description: "Default callback URL of this key's tasks (a submit's notifyHook wins)",
  })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'hook_url must be an http(s) URL' })
  @MaxLength(2000, { message: 'hook_url must be at most 2000 characters' })
  hook_url?: string;

  @ApiPropertyOptional({
    enum: MODES,
    description: "Speed mode of this key's tasks when the route (/mj-fast, /mj-relax, /mj-turbo) names none",
  })
  @IsOptional()
  @IsIn(MODES, { message: `default_mode must be one of: ${MODES.join(', ')}` })
  default_mode?: 'fast' | 'relax' | 'turbo';
}

export class ApiKeyPageDto extends PageOf(ApiKeyDto) {}
