import { EntityRepository } from '@mikro-orm/postgresql';
import type { Task } from './task.entity';
import type { TaskStatusName } from './task-status';

/** Filters of the two task lists; every one is matched by an index that ends in the list order. */
export interface TaskFilter {
  userId?: number;
  channelId?: number;
  mjId?: string;
  fromMs?: number;
  toMs?: number;
  status?: TaskStatusName;
  action?: string;
}

/** A list row, already in the dashboard's shape but for the JSON encoding of `video_urls`. */
export interface TaskRow {
  id: number;
  user_id: number;
  channel_id: number;
  mj_id: string;
  action: string;
  prompt: string;
  prompt_en: string;
  status: string;
  progress: string;
  image_url: string;
  video_url: string;
  video_urls: string[];
  submit_time: number;
  start_time: number;
  finish_time: number;
  fail_reason: string;
  quota: number;
}

const ROW_COLUMNS = `t.id, t.user_id, t.channel_id, t.mj_id, t.action, t.prompt, t.prompt_en, t.status, t.progress,
  t.image_url, t.video_url, t.video_urls, (t.submit_time / 1000)::int8::float8 AS submit_time,
  (t.start_time / 1000)::int8::float8 AS start_time, (t.finish_time / 1000)::int8::float8 AS finish_time,
  t.fail_reason, t.quota::float8 AS quota`;

function whereClause(filter: TaskFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    parts.push(sql);
    params.push(value);
  };
  if (filter.userId !== undefined) add('user_id = ?', filter.userId);
  if (filter.channelId !== undefined) add('channel_id = ?', filter.channelId);
  if (filter.mjId !== undefined) add('mj_id = ?', filter.mjId);
  if (filter.fromMs !== undefined) add('submit_time >= ?', filter.fromMs);
  if (filter.toMs !== undefined) add('submit_time <= ?', filter.toMs);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.action !== undefined) add('action = ?', filter.action);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

function onlyKeys(filter: TaskFilter, allowed: (keyof TaskFilter)[]): boolean {
  return (Object.keys(filter) as (keyof TaskFilter)[]).every((key) => filter[key] === undefined || allowed.includes(key));
}

export class TaskRepository extends EntityRepository<Task> {
  /**
   * Exact number of tasks matching the filter. Totals by user or by channel (optionally by status) come from
   * the counter tables the triggers keep, so they cost a few rows whatever the size of the table.
   */
  async countMatching(filter: TaskFilter): Promise<number> {
    const connection = this.em.getConnection();
    let rows: { n: string | number | null }[];
    if (filter.userId !== undefined && onlyKeys(filter, ['userId', 'status'])) {
      rows = await connection.execute(
        `SELECT sum(n) AS n FROM task_counts_by_user WHERE user_id = ?${filter.status ? ' AND status = ?' : ''}`,
        filter.status ? [filter.userId, filter.status] : [filter.userId],
      );
    } else if (onlyKeys(filter, ['channelId', 'status'])) {
      const where = whereClause({ channelId: filter.channelId, status: filter.status });
      rows = await connection.execute(`SELECT sum(n) AS n FROM task_counts_by_channel ${where.sql}`, where.params);
    } else {
      const where = whereClause(filter);
      rows = await connection.execute(`SELECT count(*) AS n FROM tasks ${where.sql}`, where.params);
    }
    return Number(rows[0]?.n ?? 0);
  }

  /** One page, newest first. The ids are found on the index alone, then only the page's rows are read. */
  findPage(filter: TaskFilter, offset: number, limit: number): Promise<TaskRow[]> {
    const where = whereClause(filter);
    return this.em.getConnection().execute<TaskRow[]>(
      `SELECT ${ROW_COLUMNS} FROM tasks t
       JOIN (SELECT id FROM tasks ${where.sql} ORDER BY id DESC LIMIT ? OFFSET ?) page USING (id)
       ORDER BY t.id DESC`,
      [...where.params, limit, offset],
    );
  }
}
