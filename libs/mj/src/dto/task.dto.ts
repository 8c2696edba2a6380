import { PageOf } from '@app/core';
import { ApiProperty } from '@nestjs/swagger';
import { publicProperties, TASK_STATUSES } from '@app/mj-protocol';
import type { TaskRow } from '../task.repository';
import type { QueuePlace } from '../task.store';

/** A task in the caller's own list: the seed's fields and new-api's extras, never null. */
export class TaskDto {
  @ApiProperty({ example: 1, description: 'Row id' })
  id: number;

  @ApiProperty({ example: '5712345678901234', description: "The gateway's task id (digits, below 2^53), as the relay handed it out" })
  mj_id: string;

  @ApiProperty({ example: 'IMAGINE' })
  action: string;

  @ApiProperty({ enum: ['fast', 'relax', 'turbo'], example: 'fast', description: 'Speed mode the task was submitted in' })
  mode: string;

  @ApiProperty({ example: 'a beautiful landscape' })
  prompt: string;

  @ApiProperty({ example: 'a beautiful landscape' })
  prompt_en: string;

  @ApiProperty({ enum: TASK_STATUSES, example: 'SUCCESS' })
  status: string;

  @ApiProperty({ example: '100%' })
  progress: string;

  @ApiProperty({
    example: 'https://gateway.example.com/mj/image/1712345678901234?exp=1764147600&sig=3q2-7wXyZabcdEFGH0123_',
    description: 'The gateway\'s signed, expiring link to the image (a preview while the task runs); "" when there is none',
  })
  image_url: string;

  @ApiProperty({
    example: '["https://gateway.example.com/mj/image/1712345678901234/1?exp=1764147600&sig=3q2-7wXyZabcdEFGH0123_"]',
    description: 'Beyond the seed: a JSON array (as a string) of links to the four single images of a finished grid, "[]" otherwise',
  })
  image_urls: string;

  @ApiProperty({ example: '', description: 'The gateway\'s signed link to the video; "" when there is none' })
  video_url: string;

  @ApiProperty({ example: '[]', description: 'A JSON array of video URLs, as a string' })
  video_urls: string;

  @ApiProperty({ example: 1640908800, description: 'Unix seconds' })
  submit_time: number;

  @ApiProperty({ example: 1640909000, description: 'Unix seconds; 0 when not started' })
  start_time: number;

  @ApiProperty({ example: 1640909200, description: 'Unix seconds; 0 when not finished' })
  finish_time: number;

  @ApiProperty({ example: '' })
  fail_reason: string;

  @ApiProperty({ example: 50000, description: 'Quota charged for this task and not refunded' })
  quota: number;

  @ApiProperty({
    example: 1,
    description: 'As new-api: the submit result the upstream answered (1 submitted, 21 modal, 22 queued; 0 none or refused)',
  })
  code: number;

  @ApiProperty({ example: '提交成功', description: 'The upstream\'s description of the task; "" when none' })
  description: string;

  @ApiProperty({ example: '', description: 'The `state` the client submitted with the task; "" when none' })
  state: string;

  @ApiProperty({
    example: '[{"customId":"MJ::JOB::upsample::1::3dbbd469-36af-4a0f-8f02-df6c579e7011","emoji":"","label":"U1","type":2,"style":2}]',
    description: 'As new-api: a JSON array (as a string) of the task\'s buttons, "[]" when none',
  })
  buttons: string;

  @ApiProperty({
    example: '{"finalPrompt":"a red fox in snow","finalZhPrompt":"","botType":"MID_JOURNEY"}',
    description:
      "As new-api: a JSON object (as a string) of the task's properties, without the upstream's account, channel and message ids (admins see them as stored)",
  })
  properties: string;

  @ApiProperty({ example: 0, description: "1-based place in the gateway's queue; 0 when the task is not queued there" })
  queue_position: number;

  @ApiProperty({ example: 0, description: 'When a queued task should start (Unix ms, an estimate); 0 when not queued' })
  estimated_start_time: number;
}

/** A task in the admin list: the same fields plus owner and channel. */
export class AdminTaskDto extends TaskDto {
  @ApiProperty({ example: 2 })
  user_id: number;

  @ApiProperty({ example: 1 })
  channel_id: number;

  @ApiProperty({ example: '1712345678901234', description: "The upstream's id of the task ('' until an upstream accepted it)" })
  upstream_id: string;

  @ApiProperty({
    example: '',
    description: 'What the client sent when a submit check rewrote the prompt (e.g. translated it); "" otherwise',
  })
  original_prompt: string;
}

export class TaskPageDto extends PageOf(TaskDto) {}

export class AdminTaskPageDto extends TaskPageDto {
  @ApiProperty({ type: [AdminTaskDto] })
  declare items: AdminTaskDto[];
}

/** The media links of an item; by default the stored upstream URLs (the lists pass the gateway's signed ones). */
export interface TaskMediaLinks {
  imageUrl: string;
  imageUrls: string[];
  videoUrl: string;
  videoUrls: string[];
}

const storedLinks = (row: TaskRow): TaskMediaLinks => ({
  imageUrl: row.image_url,
  imageUrls: [],
  videoUrl: row.video_url,
  videoUrls: row.video_urls ?? [],
});

const jsonList = (urls: string[]) => (urls.length ? JSON.stringify(urls) : '[]');

export function toTaskDto(row: TaskRow, media: TaskMediaLinks = storedLinks(row), rawProperties = false, place?: QueuePlace): TaskDto {
  return {
    id: row.id,
    mj_id: row.mj_id,
    action: row.action,
    mode: row.mode,
    prompt: row.prompt,
    prompt_en: row.prompt_en,
    status: row.status,
    progress: row.progress,
    image_url: media.imageUrl,
    image_urls: jsonList(media.imageUrls),
    video_url: media.videoUrl,
    video_urls: jsonList(media.videoUrls),
    submit_time: row.submit_time,
    start_time: row.start_time,
    finish_time: row.finish_time,
    fail_reason: row.fail_reason,
    quota: row.quota,
    code: row.code ?? 0,
    description: row.description ?? '',
    state: row.state ?? '',
    buttons: row.buttons?.length ? JSON.stringify(row.buttons) : '[]',
    properties: JSON.stringify(rawProperties ? (row.properties ?? {}) : publicProperties(row.properties, row.prompt_en || row.prompt)),
    queue_position: place?.queuePosition ?? 0,
    estimated_start_time: place?.estimatedStartTime ?? 0,
  };
}

export function toAdminTaskDto(row: TaskRow, media?: TaskMediaLinks, place?: QueuePlace): AdminTaskDto {
  // Fields added to the item rather than a spread copy: a list page builds and serialises twenty of these.
  const item = toTaskDto(row, media, true, place) as AdminTaskDto;
  item.user_id = row.user_id;
  item.channel_id = row.channel_id;
  item.upstream_id = row.upstream_id ?? '';

  item.original_prompt = row.original_prompt ?? '';
  return item;
}

export class CancelledTaskDto {
  @ApiProperty({ example: '5712345678901234' })
  mj_id: string;

  @ApiProperty({ example: 'CANCEL' })
  status: string;

  @ApiProperty({ example: 'Cancelled by its owner while queued' })
  fail_reason: string;
}

/** One channel's queue (channel_id 0: tasks any channel may take). */
export class ChannelQueueDto {
  @ApiProperty({ example: 1, description: '0: queued tasks that any channel may take' })
  channel_id: number;

  @ApiProperty({ example: 12, description: "Tasks waiting in the gateway's queue for this channel" })
  queued: number;

  @ApiProperty({ example: 13, description: 'Tasks sent upstream and not finished (against max_running + max_queued)' })
  in_flight: number;
}

export class QueueDepthsDto {
  @ApiProperty({ type: [ChannelQueueDto] })
  channels: ChannelQueueDto[];
}
