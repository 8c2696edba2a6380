import { EntityRepository } from '@mikro-orm/postgresql';
import { statementOf } from '@app/core';
import type { Task } from './task.entity';
import type { TaskStatus } from '@app/mj-protocol';

/** Filters of the two task lists; every one is matched by an index that ends in the list order. */
export interface TaskFilter {
  userId?: number;
  channelId?: number;
  mjId?: string;
  fromMs?: number;
  toMs?: number;
  status?: TaskStatus;
  action?: string;
}

/** A list row, already in the dashboard's shape but for the JSON encoding of `video_urls`. */
export interface TaskRow {
  id: number;
  user_id: number;
  channel_id: number;
  mj_id: string;
  action: string;
  mode: string;
  prompt: string;
  prompt_en: string;
  status: string;
  progress: string;
  image_url: string;
  image_urls: string[];
  video_url: string;
  video_urls: string[];
  submit_time: number;
  start_time: number;
  finish_time: number;
  fail_reason: string;
  quota: number;
  /** The upstream's answer to the submit (1, 21, 22; 0 before it answered or when it refused with no code). */
  code: number;
  description: string;
  state: string;
  buttons: unknown[];
  properties: Record<string, unknown>;
  /** Waiting in the gateway's queue. */
  queued: boolean;
  /** The upstream's id (admins only). */
  upstream_id: string;
  /** The client's prompt when a submit check rewrote it; '' otherwise. */
  original_prompt: string;
}

const ROW_COLUMNS = `t.id, t.user_id, t.channel_id, t.mj_id, t.action, t.mode, t.prompt, t.prompt_en, t.status, t.progress,
  t.image_url, t.image_urls, t.video_url, t.video_urls, (t.submit_time / 1000)::int8::float8 AS submit_time,
  (t.start_time / 1000)::int8::float8 AS start_time, (t.finish_time / 1000)::int8::float8 AS finish_time,
  t.fail_reason, t.quota::float8 AS quota, t.submit_code AS code, t.description, t.state, t.buttons, t.properties, t.queued, t.upstream_id,
  t.original_prompt`;

/** Without id bounds, a time range with up to this many matches is sorted from the time index (a top-N sort of ids). */
const NARROW_RANGE_ROWS = 50_000;
/** A task the id walk passes (an index entry and a table read) against one the sort reads (an index entry): measured ~9×. */
const WALK_COST = 8;

/** The lowest and highest id a time range's tasks can have (null: no bound), from the day counters. */
export interface IdBounds {
  lo: number | null;
  hi: number | null;
}

function whereClause(filter: TaskFilter, ids: IdBounds | null = null): { sql: string; params: unknown[] } {
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
  if (ids?.lo != null) add('id >= ?', ids.lo);
  if (ids?.hi != null) add('id <= ?', ids.hi);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const DAY_MS = 86_400_000;

type Sql = { sql: string; params: unknown[] };

/** Counting the matching rows themselves, on the index of the filter. */
function countRows(filter: TaskFilter): Sql {
  const where = whereClause(filter);
  return { sql: `SELECT count(*) AS n FROM tasks ${where.sql}`, params: where.params };
}

/**
 * The counter tables that hold a filter's owner or channel: the owner's, else the channels' (all their rows summed
 * when it names neither). None for a filter naming both.
 */
function countersOf(filter: TaskFilter): { table: string; scope: TaskFilter } | null {
  if (filter.userId !== undefined && filter.channelId !== undefined) return null;
  return filter.userId !== undefined
    ? { table: 'task_counts_by_user', scope: { userId: filter.userId } }
    : { table: 'task_counts_by_channel', scope: { channelId: filter.channelId } };
}

/** `select` over the day counter rows of `counters` from `firstDay` to `lastDay` (UTC day numbers, either open). */
function dayRows(counters: { table: string; scope: TaskFilter }, select: string, firstDay?: number, lastDay?: number): Sql {
  const owner = whereClause(counters.scope);
  const days = [...(firstDay === undefined ? [] : ['day >= ?']), ...(lastDay === undefined ? [] : ['day <= ?'])];
  return {
    sql: `SELECT ${select} FROM ${counters.table}_day ${owner.sql ? `${owner.sql} AND` : 'WHERE'} ${days.join(' AND ')}`,
    params: [...owner.params, ...[firstDay, lastDay].filter((day) => day !== undefined)],
  };
}

/** The tasks of the whole UTC days from `firstDay` to `lastDay` (either open), from the day counters. */
const dayCounts = (counters: { table: string; scope: TaskFilter }, firstDay?: number, lastDay?: number): Sql =>
  dayRows(counters, 'coalesce(sum(n), 0)', firstDay, lastDay);

/**
 * The tasks of `[fromMs, toMs]`, a part of one UTC day: counted on the time index when it is at most half the day,
 * else as the day's counter less the rest of the day. A range that starts "24 hours ago" or "7 days ago" starts at any
 * time of day, and at 10M tasks a whole day is ~110,000 index entries to count (25 ms here); this way at most half.
 */
function partialDayCount(counters: { table: string; scope: TaskFilter }, fromMs: number, toMs: number): Sql {
  if (toMs - fromMs < DAY_MS / 2) return countRows({ ...counters.scope, fromMs, toMs });
  const day = Math.floor(fromMs / DAY_MS);
  const [dayStart, dayEnd] = [day * DAY_MS, (day + 1) * DAY_MS - 1];
  const rest = [
    ...(fromMs > dayStart ? [countRows({ ...counters.scope, fromMs: dayStart, toMs: fromMs - 1 })] : []),
    ...(toMs < dayEnd ? [countRows({ ...counters.scope, fromMs: toMs + 1, toMs: dayEnd })] : []),
  ];
  return sumOf([dayCounts(counters, day, day)], rest);
}

/** `(a) + (b) … - (c) …` as one expression. */
function sumOf(plus: Sql[], minus: Sql[] = []): Sql {
  return {
    sql: [...plus.map((term, i) => `${i ? ' + ' : ''}(${term.sql})`), ...minus.map((term) => ` - (${term.sql})`)].join(''),
    params: [...plus, ...minus].flatMap((term) => term.params),
  };
}

/**
 * The total of a time range, alone or by owner or by channel: the whole UTC days inside it from the day counters,
 * plus the partial days at its edges (`partialDayCount`). Null when the filter has more in it.
 */
function rangeCountQuery(filter: TaskFilter, counters: { table: string; scope: TaskFilter }): Sql | null {
  const { fromMs, toMs } = filter;
  if (fromMs === undefined && toMs === undefined) return null;
  if (!onlyKeys(filter, ['userId', 'channelId', 'fromMs', 'toMs'])) return null;
  let terms: Sql[];
  if (fromMs !== undefined && toMs !== undefined && Math.floor(fromMs / DAY_MS) === Math.floor(toMs / DAY_MS)) {
    terms = [partialDayCount(counters, fromMs, toMs)];
  } else {
    // The first and last whole day (open where the range is); a range across one midnight has none.
    const firstDay = fromMs === undefined ? undefined : Math.ceil(fromMs / DAY_MS);
    const lastDay = toMs === undefined ? undefined : Math.floor((toMs + 1) / DAY_MS) - 1;
    terms = firstDay !== undefined && lastDay !== undefined && firstDay > lastDay ? [] : [dayCounts(counters, firstDay, lastDay)];
    if (fromMs !== undefined && fromMs < firstDay! * DAY_MS) terms.push(partialDayCount(counters, fromMs, firstDay! * DAY_MS - 1));
    if (toMs !== undefined && toMs >= (lastDay! + 1) * DAY_MS) terms.push(partialDayCount(counters, (lastDay! + 1) * DAY_MS, toMs));
  }
  const total = sumOf(terms);
  return { sql: `SELECT ${total.sql} AS n`, params: total.params };
}

/**
 * Exact number of tasks matching the filter. Totals by owner or by channel, by status and by action, or any mix of
 * these, come from the counter tables the triggers keep, so they cost a few rows whatever the size of the table;
 * time ranges from the day counters (`rangeCountQuery`).
 */
function countQuery(filter: TaskFilter): Sql {
  const counters = countersOf(filter);
  if (!counters) return countRows(filter);
  const range = rangeCountQuery(filter, counters);
  if (range) return range;
  if (!onlyKeys(filter, ['userId', 'channelId', 'status', 'action'])) return countRows(filter);
  const where = whereClause({ ...counters.scope, status: filter.status, action: filter.action });
  return { sql: `SELECT sum(n) AS n FROM ${counters.table} ${where.sql}`, params: where.params };
}

/**
 * Whether a time range's page is read from the time index and sorted, rather than walked down the id index. Within
 * the range's id bounds the walk reads about `span / matching` tasks per match until the page is full; without
 * bounds it would pass every newer task first, so only ranges with few matches are sorted.
 */
function sortsRange(matching: number, offset: number, limit: number, ids: IdBounds | null): boolean {
  if (ids?.lo == null || ids.hi == null) return matching <= NARROW_RANGE_ROWS;
  const span = ids.hi - ids.lo + 1;
  return (offset + limit) * (span / Math.max(matching, 1)) * WALK_COST > matching;
}

/**
 * The id bounds of a time range's tasks, by its owner or channel (or all tasks): the lowest and highest id the day
 * counters recorded over the UTC days the range touches. Null when no counters hold the filter's owner and channel.
 */
function idBoundsQuery(filter: TaskFilter): Sql | null {
  const { fromMs, toMs } = filter;
  const counters = countersOf(filter);
  if ((fromMs === undefined && toMs === undefined) || !counters) return null;
  const day = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / DAY_MS));
  return dayRows(counters, 'min(min_id) AS lo, max(max_id) AS hi', day(fromMs), day(toMs));
}

function onlyKeys(filter: TaskFilter, allowed: (keyof TaskFilter)[]): boolean {
  return (Object.keys(filter) as (keyof TaskFilter)[]).every((key) => filter[key] === undefined || allowed.includes(key));
}

export class TaskRepository extends EntityRepository<Task> {
  /**
   * The list queries run on a connection of the ORM's pool through pg directly: bound parameters instead of the ORM
   * inlining them into the text, and none of its per-query bookkeeping (measurably cheaper on the hottest reads).
   */
  private async rows<T>(sql: string, params: unknown[], prepared = false): Promise<T[]> {
    const { client } = this.em.getConnection().getKnex();
    const connection = await client.acquireConnection();
    const { text, name } = statementOf(sql);
    try {
      return (await connection.query(prepared ? { name, text, values: params } : { text, values: params })).rows as T[];
    } finally {
      await client.releaseConnection(connection);
    }
  }

  /** Successes and failures per channel among tasks submitted since `sinceMs`. */
  channelOutcomes(sinceMs: number): Promise<{ channel_id: number; succeeded: number; failed: number }[]> {
    return this.rows(
      `SELECT channel_id, count(*) FILTER (WHERE status = 'SUCCESS')::int AS succeeded, count(*) FILTER (WHERE status = 'FAILURE')::int AS failed
       FROM tasks WHERE submit_time >= ? AND status IN ('SUCCESS', 'FAILURE') GROUP BY channel_id ORDER BY channel_id`,
      [sinceMs],
    );
  }

  /** Median and 95th percentile seconds from submit to finish of the successes submitted since `sinceMs`, by action × mode. */
  finishTimes(sinceMs: number): Promise<{ action: string; mode: string; finished: number; p50_s: number; p95_s: number }[]> {
    return this.rows(
      `SELECT action, mode, count(*)::int AS finished,
         round((percentile_cont(0.5) WITHIN GROUP (ORDER BY finish_time - submit_time) / 1000)::numeric, 1)::float8 AS p50_s,
         round((percentile_cont(0.95) WITHIN GROUP (ORDER BY finish_time - submit_time) / 1000)::numeric, 1)::float8 AS p95_s
       FROM tasks WHERE submit_time >= ? AND status = 'SUCCESS' AND finish_time > 0 GROUP BY action, mode ORDER BY action, mode`,
      [sinceMs],
    );
  }

  /** Unfinished tasks submitted before `beforeMs` (and within the last week: older ones are the deadline's to fail). */
  async countStuck(beforeMs: number): Promise<number> {
    const rows = await this.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks
       WHERE submit_time < ? AND submit_time >= ? AND status NOT IN ('SUCCESS', 'FAILURE', 'MODAL') AND mj_id <> ''`,
      [beforeMs, beforeMs - 7 * 86_400_000],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Exact number of tasks matching the filter (from the counters where they hold it; see `countQuery`), with a time
   * range's id bounds in the same statement (`idBoundsQuery`; null without a range, or for owner and channel both).
   */
  async countMatching(filter: TaskFilter): Promise<{ total: number; ids: IdBounds | null }> {
    const count = countQuery(filter);
    const bounds = idBoundsQuery(filter);
    const [row] = await this.rows<{ n: string | number | null; lo?: number | null; hi?: number | null }>(
      bounds ? `SELECT c.n, b.lo, b.hi FROM (${count.sql}) c, (${bounds.sql}) b` : count.sql,
      [...count.params, ...(bounds?.params ?? [])],
    );
    return { total: Number(row?.n ?? 0), ids: bounds ? { lo: row?.lo ?? null, hi: row?.hi ?? null } : null };
  }

  /**
   * The total and one page in a single round trip (the common case: no time range, a shallow page).
   * The page's columns are null on the one row answered when the page is empty.
   */
  async findPageWithTotal(filter: TaskFilter, offset: number, limit: number): Promise<{ total: number; rows: TaskRow[] }> {
    const count = countQuery(filter);
    const where = whereClause(filter);
    const rows = await this.rows<TaskRow & { total: string | number | null }>(
      `SELECT total.n AS total, p.* FROM (${count.sql}) total LEFT JOIN LATERAL (
         SELECT ${ROW_COLUMNS} FROM tasks t
         JOIN (SELECT id FROM tasks ${where.sql} ORDER BY id DESC LIMIT ? OFFSET ?) page USING (id)
       ) p ON true ORDER BY p.id DESC`,
      [...count.params, ...where.params, limit, offset],
      // The polled shapes (by owner, by channel, unfiltered) are prepared once per connection: PostgreSQL, on the same
      // cores, skips parsing and planning them, and their plan is the same for any id (the index ends in the order).
      onlyKeys(filter, ['userId', 'channelId']),
    );
    const total = Number(rows[0]?.total ?? 0);
    // The rows keep their `total` column: the answers are built field by field (toTaskDto), and copying each row
    // without it (object rest) cost more than the rest of the mapping.
    return { total, rows: rows.filter((row) => row.id !== null) };
  }

  /**
   * One page, newest first. The ids are found on an index alone, then only the page's rows are read. `matching`
   * is the filter's exact total, `ids` the range's id bounds (`countMatching`). A time range is walked down the id
   * index from its highest id, each task read from the table to check its time, so the walk passes none of the tasks
   * newer than the range (at 10M tasks, one day a month back: 49 ms sorted, under 1 ms walked); where the walk would
   * read many tasks per match (a rare filter, a deep page), the range is read from the time index and sorted
   * (`sortsRange`).
   */
  async findPage(filter: TaskFilter, offset: number, limit: number, matching: number, ids: IdBounds | null = null): Promise<TaskRow[]> {
    const where = whereClause(filter, ids);
    const range = filter.fromMs !== undefined || filter.toMs !== undefined;
    const sorted = range && sortsRange(matching, offset, limit, ids);
    const pageIds = sorted
      ? `WITH matching AS MATERIALIZED (SELECT id FROM tasks ${where.sql}) SELECT id FROM matching`
      : `SELECT id FROM tasks ${where.sql}`;
    return this.rows<TaskRow>(
      `SELECT ${ROW_COLUMNS} FROM tasks t
       JOIN (${pageIds} ORDER BY id DESC LIMIT ? OFFSET ?) page USING (id)
       ORDER BY t.id DESC`,
      [...where.params, limit, offset],
    );
  }
}
