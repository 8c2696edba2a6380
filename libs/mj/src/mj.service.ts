import { Injectable } from '@nestjs/common';
import { BadRequestError, pageWindow } from '@app/core';
import { ListAllTasksQuery, ListMyTasksQuery } from './dto/list-tasks.query.dto';
import { AdminTaskPageDto, TaskPageDto, toAdminTaskDto, toTaskDto } from './dto/task.dto';
import { TaskFilter, TaskRepository, TaskRow } from './task.repository';

const MILLISECONDS_FROM = 1e12;

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
  constructor(private readonly tasks: TaskRepository) {}

  async listForOwner(userId: number, query: ListMyTasksQuery): Promise<TaskPageDto> {
    const page = await this.page({ ...toTaskFilter(query), userId }, query);
    return { ...page, items: page.items.map(toTaskDto) };
  }

  async listAll(query: ListAllTasksQuery): Promise<AdminTaskPageDto> {
    const filter = toTaskFilter(query);
    if (query.channel_id !== undefined) filter.channelId = query.channel_id;
    if (query.user_id !== undefined) filter.userId = query.user_id;
    const page = await this.page(filter, query);
    return { ...page, items: page.items.map(toAdminTaskDto) };
  }

  private async page(filter: TaskFilter, query: ListMyTasksQuery) {
    const { page, pageSize, offset } = pageWindow(query);
    const total = await this.tasks.countMatching(filter);
    const items: TaskRow[] = offset < total ? await this.tasks.findPage(filter, offset, pageSize) : [];
    return { items, total, page, page_size: pageSize };
  }
}
