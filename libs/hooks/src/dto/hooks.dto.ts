import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageOf, PageQuery, toFilter } from '@app/core';
import { DELIVERY_STATES, type DeliveryRow, type DeliveryState } from '../hook-events.repository';

const seconds = (ms: number) => (ms ? Math.floor(ms / 1000) : 0);

export class HookAttemptDto {
  @ApiProperty({ example: 1, description: 'The X-MJ-Delivery-Attempt it was sent with' })
  attempt: number;

  @ApiProperty({ example: 1764061200123, description: 'When it was sent, epoch milliseconds' })
  at: number;

  @ApiProperty({ example: 200, description: "The receiver's HTTP status; 0 when none came (timeout, refused connection)" })
  status_code: number;

  @ApiProperty({ example: 42 })
  latency_ms: number;

  @ApiProperty({ example: '', description: 'Why no answer came, or the refusal' })
  error: string;

  @ApiProperty({ example: 'ok', description: "The first 512 bytes of the receiver's answer" })
  response_head: string;
}

export class HookDeliveryDto {
  @ApiProperty({ example: 812, description: 'The event id, sent as X-MJ-Event-Id (retries keep it)' })
  id: number;

  @ApiProperty({ example: '1764061200123456', description: "The task's id as the relay hands it out ('hook-test' for a test event)" })
  task_id: string;

  @ApiProperty({ example: 3, description: "The body's per-task sequence number" })
  sequence: number;

  @ApiProperty({ example: 'https://example.com/mj-hook' })
  url: string;

  @ApiProperty({
    enum: DELIVERY_STATES,
    example: 'delivered',
    description: 'stopped: the receiver answered 410 (to it or an earlier event)',
  })
  status: DeliveryState;

  @ApiProperty({ example: 'SUCCESS', description: "The task's status in this event" })
  task_status: string;

  @ApiProperty({ example: '100%' })
  progress: string;

  @ApiProperty({ example: 1 })
  attempts: number;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds: the task change' })
  created_at: number;

  @ApiProperty({ example: 1764061201, description: 'Unix seconds; 0 = not delivered' })
  delivered_at: number;

  @ApiProperty({ example: 0, description: 'Unix seconds of the next attempt while pending; 0 otherwise' })
  next_attempt_at: number;

  @ApiProperty({ example: 200 })
  last_status_code: number;

  @ApiProperty({ example: '' })
  last_error: string;

  @ApiProperty({ type: [HookAttemptDto] })
  attempt_log: HookAttemptDto[];
}

export function toHookDeliveryDto(row: DeliveryRow): HookDeliveryDto {
  return {
    id: row.id,
    task_id: row.mjId,
    sequence: row.seq,
    url: row.url,
    status: row.state,
    task_status: row.taskStatus,
    progress: row.progress,
    attempts: row.attempts,
    created_at: seconds(row.createdAt),
    delivered_at: seconds(row.deliveredAt),
    next_attempt_at: row.state === 'pending' ? seconds(row.nextAttemptAt) : 0,
    last_status_code: row.lastCode,
    last_error: row.lastError,
    attempt_log: row.log.map((entry) => ({ ...entry, at: Number(entry.at) })),
  };
}

export class HookDeliveryPageDto extends PageOf(HookDeliveryDto) {}

export class ListHookDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Only this task's events (its id as the relay hands it out)" })
  @IsOptional()
  @Transform(toFilter)
  @IsString({ message: 'task_id must be a string' })
  @MaxLength(64, { message: 'task_id must be at most 64 characters' })
  task_id?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATES })
  @IsOptional()
  @Transform(toFilter)
  @IsIn(DELIVERY_STATES, { message: `status must be one of ${DELIVERY_STATES.join(', ')}` })
  status?: DeliveryState;
}

export class SetKeyHookDto {
  @ApiProperty({ example: 'https://example.com/mj-hook', description: "Default callback URL of the key's tasks; '' removes it" })
  @IsString({ message: 'hook_url must be a string' })
  @MaxLength(2000, { message: 'hook_url must be at most 2000 characters' })
  hook_url: string;
}

export class KeyHookDto {
  @ApiProperty({ example: 3 })
  id: number;

  @ApiProperty({ example: 'https://example.com/mj-hook' })
  hook_url: string;
}

export class HookSecretDto {
  @ApiProperty({ example: 3 })
  id: number;

  @ApiProperty({ example: 'whsec_3q2+7w…', description: 'The new hook secret; shown this once. The old one stops signing at once.' })
  hook_secret: string;
}

export class HookTestDto {
  @ApiPropertyOptional({ example: 'https://example.com/mj-hook', description: "Where to send it; the key's default hook when omitted" })
  @IsOptional()
  @IsString({ message: 'url must be a string' })
  @MaxLength(2000, { message: 'url must be at most 2000 characters' })
  url?: string;
}
