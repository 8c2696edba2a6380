import { Injectable } from '@nestjs/common';
import { type AuthUser, BadRequestError, ConflictError, NotFoundError, pageWindow } from '@app/core';
import { MediaUrls } from '@app/proxy';
import { ListAllTasksQuery, ListMyTasksQuery } from './dto/list-tasks.query.dto';
import { TaskFiguresDto, TaskFiguresQuery } from './dto/task-figures.dto';
import { AdminTaskPageDto, CancelledTaskDto, QueueDepthsDto, TaskPageDto, toAdminTaskDto, toTaskDto } from './dto/task.dto';
import { TaskFilter, TaskRepository, TaskRow } from './task.repository';
import { type QueuePlace, TaskStore } from './task.store';

const MILLISECONDS_FROM = 1e12;
/** A task unfinished this long after its submit counts as stuck on the dashboard. */
const STUCK_AFTER_MS = 10 * 60_000;
/** Pages this deep are read only after the total confirms they hold anything. */
const ONE_TRIP_MAX_OFFSET = 100_000;

/** Seconds as the seed defines them; clients of the old gateway send milliseconds, recognisable by size. */
export function toMilliseconds(timestamp: number): number {
  return timestamp >= MILLISECONDS_FROM ? timestamp : timestamp * 1000;
}

export function toTaskFilter(query: ListMyTasksQuery): TaskFilter {
  const filter: TaskFilter = {};
  if (query.mj_id !== undefined) filter.mjId = query.mj_id;
  if (query.start_timestamp !== undefined) filter.fromMs = toMilliseconds(query.start_timestamp);
  if (query.end_timestamp !== undefined) {
    const ms = toMilliseconds(query.end_timestamp);
    // An end given in seconds covers that whole second.
    filter.toMs = query.end_timestamp >= MILLISECONDS_FROM ? ms : ms + 999;
  }
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs > filter.toMs) {
    throw new BadRequestError('start_timestamp must not be after end_timestamp', {
      start_timestamp: 'start_timestamp must not be after end_timestamp',
    });
  }
  if (query.status !== undefined) filter.status = query.status;
  if (query.action !== undefined) filter.action = query.action;
  return filter;
}

/** The seed's two task lists over one query path; ownership is decided here, not in the controllers. */
@Injectable()
export class MjService {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly store: TaskStore,
    private readonly media: MediaUrls,
  ) {}

  /** `origin`: where the caller reached us, the base of media links when PUBLIC_URL is unset. */
  async listForOwner(userId: number, query: ListMyTasksQuery, origin: string): Promise<TaskPageDto> {
    const page = await this.page({ ...toTaskFilter(query), userId }, query);
    const links = this.linker(origin);
    const places = await this.placesOf(page.items);
    return { ...page, items: page.items.map((row) => toTaskDto(row, links(row), false, places.get(row.id))) };
  }

  async listAll(query: ListAllTasksQuery, origin: string): Promise<AdminTaskPageDto> {
    const filter = toTaskFilter(query);
    if (query.channel_id !== undefined) filter.channelId = query.channel_id;
    if (query.user_id !== undefined) filter.userId = query.user_id;
    const page = await this.page(filter, query);
    const links = this.linker(origin);
    const places = await this.placesOf(page.items);
    return { ...page, items: page.items.map((row) => toAdminTaskDto(row, links(row), places.get(row.id))) };
  }

  /** Places in the gateway's queue of the page's queued tasks (no query when none is). */
  private placesOf(rows: TaskRow[]): Promise<Map<number, QueuePlace>> {
    return this.store.queuePlaces(rows.filter((row) => row.queued).map((row) => row.id));
  }

  /** The owner cancels a task still queued at the gateway: CANCEL, refunded in full, never sent upstream. */
  async cancelQueued(userId: number, mjId: string): Promise<CancelledTaskDto> {
    const { task, status } = await this.store.cancelQueued(userId, mjId);
    if (!task && !status) throw new NotFoundError(`Task ${mjId.slice(0, 64)} not found`);
    if (!task) throw new ConflictError(`Task ${mjId.slice(0, 64)} is ${status}: only a task still queued at the gateway can be cancelled`);
    return { mj_id: task.mjId, status: task.status, fail_reason: task.failReason };
  }

  /** Per channel: tasks waiting in the gateway's queue and tasks sent upstream, unfinished (the dashboard). */
  async queueDepths(): Promise<QueueDepthsDto> {
    const loads = await this.store.channelLoads();
    return { channels: loads.map((load) => ({ channel_id: load.channelId, queued: load.queued, in_flight: load.inFlight })) };
  }

  /** Revokes a task's durable media links: the owner's own task, or any task for an admin; anything else is not found. */
  async revokeLinks(auth: AuthUser, taskId: number): Promise<void> {
    const revoked = await this.store.revokeLinks(taskId, auth.role === 'admin' ? undefined : auth.id);
    if (!revoked) throw new NotFoundError(`Task ${taskId} not found`);
  }

  /** The gateway's signed media links of a list row (one HMAC per row). */
  private linker(origin: string) {
    const base = this.media.base(origin);
    const now = Date.now();
    return (row: TaskRow & { image_urls?: string[] }) =>
      this.media.links(
        // image_urls is only known when the page query selects it; without it a finished grid offers its four quarters.
        {
          id: row.id,
          mjId: row.mj_id,
          status: row.status,
          action: row.action,
          progress: row.progress,
          imageUrl: row.image_url,
          imageUrls: row.image_urls,
          videoUrl: row.video_url,
          videoUrls: row.video_urls ?? [],
        },
        base,
        'console',
        now,
      );
  }

  private async page(filter: TaskFilter, query: ListMyTasksQuery) {
    const { page, pageSize, offset } = pageWindow(query);
    if (filter.fromMs === undefined && filter.toMs === undefined && offset <= ONE_TRIP_MAX_OFFSET) {
      const { total, rows } = await this.tasks.findPageWithTotal(filter, offset, pageSize);
      return { items: rows, total, page, page_size: pageSize };
    }
    // Time ranges pick their plan by the total, and far pages are skipped once the total says they are empty.
    const { total, ids } = await this.tasks.countMatching(filter);
    const items: TaskRow[] = offset < total ? await this.tasks.findPage(filter, offset, pageSize, total, ids) : [];
    return { items, total, page, page_size: pageSize };
  }

  /** The dashboard's figures over one window, one statement each. */
  async figures(query: TaskFiguresQuery, now = Date.now()): Promise<TaskFiguresDto> {
    const sinceMs = now - (query.hours ?? 24) * 3_600_000;
    const [outcomes, timings, stuck] = await Promise.all([
      this.tasks.channelOutcomes(sinceMs),
      this.tasks.finishTimes(sinceMs),
      this.tasks.countStuck(now - STUCK_AFTER_MS),
    ]);
    return {
      since: Math.floor(sinceMs / 1000),
      channels: outcomes.map((row) => ({
        ...row,
        success_rate: row.succeeded + row.failed ? row.succeeded / (row.succeeded + row.failed) : null,
      })),
      timings,
      stuck,
    };
  }
}
