/**
 * The SQL the gateway runs for one task-list page, copied from libs/mj/src/task.repository.ts (the total and the page
 * in one statement for shallow pages without a time range, else count, then page) with pg's $n placeholders. Keep
 * the two in step: the baseline is only a yardstick if it does the same work.
 */
export interface ListFilter {
  userId?: number;
  channelId?: number;
  mjId?: string;
  fromMs?: number;
  toMs?: number;
  status?: string;
  action?: string;
}

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** Without id bounds, a time range with up to this many matches is sorted from the time index (a top-N sort of ids). */
const NARROW_RANGE_ROWS = 50_000;
const WALK_COST = 8;

/** As `sortsRange` in the repository: sorted from the time index rather than walked down the id index. */
function sortsRange(matching: number, offset: number, limit: number, ids: IdBounds | null): boolean {
  if (ids?.lo == null || ids.hi == null) return matching <= NARROW_RANGE_ROWS;
  const span = ids.hi - ids.lo + 1;
  return (offset + limit) * (span / Math.max(matching, 1)) * WALK_COST > matching;
}

/** A time range's id bounds from the day counters (null: no bound), as `IdBounds` in the repository. */
export interface IdBounds {
  lo: number | null;
  hi: number | null;
}

const ROW_COLUMNS = `t.id, t.user_id, t.channel_id, t.mj_id, t.action, t.mode, t.prompt, t.prompt_en, t.status, t.progress,
  t.image_url, t.image_urls, t.video_url, t.video_urls, (t.submit_time / 1000)::int8::float8 AS submit_time,
  (t.start_time / 1000)::int8::float8 AS start_time, (t.finish_time / 1000)::int8::float8 AS finish_time,
  t.fail_reason, t.quota::float8 AS quota, t.submit_code AS code, t.description, t.state, t.buttons, t.properties, t.queued, t.upstream_id,
  t.original_prompt`;

/** `after`: how many `$n` parameters come before this clause in the statement. */
function where(filter: ListFilter, after = 0, ids: IdBounds | null = null): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (column: string, op: string, value: unknown) => {
    values.push(value);
    parts.push(`${column} ${op} $${after + values.length}`);
  };
  if (filter.userId !== undefined) add('user_id', '=', filter.userId);
  if (filter.channelId !== undefined) add('channel_id', '=', filter.channelId);
  if (filter.mjId !== undefined) add('mj_id', '=', filter.mjId);
  if (filter.fromMs !== undefined) add('submit_time', '>=', filter.fromMs);
  if (filter.toMs !== undefined) add('submit_time', '<=', filter.toMs);
  if (filter.status !== undefined) add('status', '=', filter.status);
  if (filter.action !== undefined) add('action', '=', filter.action);
  if (ids?.lo != null) add('id', '>=', ids.lo);
  if (ids?.hi != null) add('id', '<=', ids.hi);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

const onlyKeys = (filter: ListFilter, allowed: (keyof ListFilter)[]) =>
  (Object.keys(filter) as (keyof ListFilter)[]).every((key) => filter[key] === undefined || allowed.includes(key));

const DAY_MS = 86_400_000;

const countRows = (filter: ListFilter, after = 0): SqlQuery => {
  const w = where(filter, after);
  return { text: `SELECT count(*) AS n FROM tasks ${w.sql}`, values: w.values };
};

/** The counter tables of a filter's user, else of the channels (all summed when it names neither); none for both. */
function countersOf(filter: ListFilter): { table: string; scope: ListFilter } | null {
  if (filter.userId !== undefined && filter.channelId !== undefined) return null;
  return filter.userId !== undefined
    ? { table: 'task_counts_by_user', scope: { userId: filter.userId } }
    : { table: 'task_counts_by_channel', scope: { channelId: filter.channelId } };
}

/** A part of a statement, its `$n` numbered after the `after` parameters before it. */
type Piece = (after: number) => SqlQuery;

/** `select` over the day counter rows from `firstDay` to `lastDay` (UTC day numbers, either open), as `dayRows` there. */
const dayRows =
  (counters: { table: string; scope: ListFilter }, select: string, firstDay?: number, lastDay?: number): Piece =>
  (after) => {
    const owner = where(counters.scope, after);
    const values = [...owner.values];
    const days = [
      firstDay === undefined ? '' : `day >= $${after + values.push(firstDay)}`,
      lastDay === undefined ? '' : `day <= $${after + values.push(lastDay)}`,
    ];
    return {
      text: `SELECT ${select} FROM ${counters.table}_day ${owner.sql ? `${owner.sql} AND` : 'WHERE'} ${days.filter(Boolean).join(' AND ')}`,
      values,
    };
  };

/** The tasks of the whole UTC days from `firstDay` to `lastDay` (either open), from the day counters. */
const dayCounts = (counters: { table: string; scope: ListFilter }, firstDay?: number, lastDay?: number): Piece =>
  dayRows(counters, 'coalesce(sum(n), 0)', firstDay, lastDay);

/** `(a) + (b) … - (c) …` as one expression. */
const sumOf =
  (plus: Piece[], minus: Piece[] = []): Piece =>
  (after) => {
    const values: unknown[] = [];
    const text = [...plus.map((piece) => ['+', piece] as const), ...minus.map((piece) => ['-', piece] as const)]
      .map(([sign, piece], i) => {
        const part = piece(after + values.length);
        values.push(...part.values);
        return `${i ? ` ${sign} ` : ''}(${part.text})`;
      })
      .join('');
    return { text, values };
  };

/** As `partialDayCount` in the repository: counted when at most half the day, else the day's counter less the rest. */
function partialDayCount(counters: { table: string; scope: ListFilter }, fromMs: number, toMs: number): Piece {
  const rows = (range: ListFilter) => (after: number) => countRows({ ...counters.scope, ...range }, after);
  if (toMs - fromMs < DAY_MS / 2) return rows({ fromMs, toMs });
  const day = Math.floor(fromMs / DAY_MS);
  const [dayStart, dayEnd] = [day * DAY_MS, (day + 1) * DAY_MS - 1];
  return sumOf(
    [dayCounts(counters, day, day)],
    [
      ...(fromMs > dayStart ? [rows({ fromMs: dayStart, toMs: fromMs - 1 })] : []),
      ...(toMs < dayEnd ? [rows({ fromMs: toMs + 1, toMs: dayEnd })] : []),
    ],
  );
}

/** A time range, alone or by user or channel: whole UTC days from the day counters, the partial edge days as above. */
function rangeCountQuery(filter: ListFilter, counters: { table: string; scope: ListFilter }): SqlQuery | null {
  const { fromMs, toMs } = filter;
  if (fromMs === undefined && toMs === undefined) return null;
  if (!onlyKeys(filter, ['userId', 'channelId', 'fromMs', 'toMs'])) return null;
  let terms: Piece[];
  if (fromMs !== undefined && toMs !== undefined && Math.floor(fromMs / DAY_MS) === Math.floor(toMs / DAY_MS)) {
    terms = [partialDayCount(counters, fromMs, toMs)];
  } else {
    const firstDay = fromMs === undefined ? undefined : Math.ceil(fromMs / DAY_MS);
    const lastDay = toMs === undefined ? undefined : Math.floor((toMs + 1) / DAY_MS) - 1;
    terms = firstDay !== undefined && lastDay !== undefined && firstDay > lastDay ? [] : [dayCounts(counters, firstDay, lastDay)];
    if (fromMs !== undefined && fromMs < firstDay! * DAY_MS) terms.push(partialDayCount(counters, fromMs, firstDay! * DAY_MS - 1));
    if (toMs !== undefined && toMs >= (lastDay! + 1) * DAY_MS) terms.push(partialDayCount(counters, (lastDay! + 1) * DAY_MS, toMs));
  }
  const total = sumOf(terms)(0);
  return { text: `SELECT ${total.text} AS n`, values: total.values };
}

/** Totals by user or channel, status and action, or of a time range, come from the trigger-kept counters; anything else counts rows. */
export function countQuery(filter: ListFilter): SqlQuery {
  const counters = countersOf(filter);
  if (!counters) return countRows(filter);
  const range = rangeCountQuery(filter, counters);
  if (range) return range;
  if (!onlyKeys(filter, ['userId', 'channelId', 'status', 'action'])) return countRows(filter);
  const w = where({ ...counters.scope, status: filter.status, action: filter.action });
  return { text: `SELECT sum(n) AS n FROM ${counters.table} ${w.sql}`, values: w.values };
}

/** Pages this deep, and time ranges, take two trips (count, then the page); the rest one (`pageWithTotalQuery`). */
const ONE_TRIP_MAX_OFFSET = 100_000;

export function oneTrip(filter: ListFilter, offset: number): boolean {
  return filter.fromMs === undefined && filter.toMs === undefined && offset <= ONE_TRIP_MAX_OFFSET;
}

/**
 * The total and one page in a single statement, as `findPageWithTotal`; the shapes by owner, by channel and unfiltered
 * are prepared once per connection (named), as the gateway prepares them.
 */
export function pageWithTotalQuery(filter: ListFilter, offset: number, limit: number): SqlQuery & { name?: string } {
  const count = countQuery(filter);
  const w = where(filter, count.values.length);
  const n = count.values.length + w.values.length;
  const text = `SELECT total.n AS total, p.* FROM (${count.text}) total LEFT JOIN LATERAL (
         SELECT ${ROW_COLUMNS} FROM tasks t
         JOIN (SELECT id FROM tasks ${w.sql} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}) page USING (id)
       ) p ON true ORDER BY p.id DESC`;
  const name = onlyKeys(filter, ['userId', 'channelId'])
    ? `baseline_page_${filter.userId !== undefined ? 'user' : ''}${filter.channelId !== undefined ? 'channel' : ''}`
    : undefined;
  return { text, values: [...count.values, ...w.values, limit, offset], name };
}

/** The lowest and highest id of a time range's tasks by owner or channel (or all), from the day counters. */
function idBoundsQuery(filter: ListFilter, after: number): SqlQuery | null {
  const counters = countersOf(filter);
  if ((filter.fromMs === undefined && filter.toMs === undefined) || !counters) return null;
  const day = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / DAY_MS));
  return dayRows(counters, 'min(min_id) AS lo, max(max_id) AS hi', day(filter.fromMs), day(filter.toMs))(after);
}

/** The total, with the range's id bounds where the day counters hold them, in one statement (`countMatching`). */
export function countWithBoundsQuery(filter: ListFilter): SqlQuery {
  const count = countQuery(filter);
  const bounds = idBoundsQuery(filter, count.values.length);
  if (!bounds) return count;
  return { text: `SELECT c.n, b.lo, b.hi FROM (${count.text}) c, (${bounds.text}) b`, values: [...count.values, ...bounds.values] };
}

export interface CountRow {
  n: string | number | null;
  lo?: number | null;
  hi?: number | null;
}

/**
 * A page in two trips, as the gateway runs it past `oneTrip`: the total with the range's id bounds, answered by
 * `count`, then the page; `page` is null when the total says the page is empty.
 */
export async function twoTripPage(
  filter: ListFilter,
  offset: number,
  limit: number,
  count: (query: SqlQuery) => Promise<CountRow | undefined>,
): Promise<{ total: number; counts: SqlQuery[]; page: SqlQuery | null }> {
  const counted = countWithBoundsQuery(filter);
  const row = await count(counted);
  const total = Number(row?.n ?? 0);
  const ids = row && 'lo' in row ? { lo: row.lo ?? null, hi: row.hi ?? null } : null;
  return { total, counts: [counted], page: offset >= total ? null : pageQuery(filter, offset, limit, total, ids) };
}

/**
 * `matching` is the count's answer, `ids` the range's bounds: a time range is walked down the id index within its
 * bounds, or read from the time index and sorted where the walk would read many tasks per match (`sortsRange`).
 */
export function pageQuery(filter: ListFilter, offset: number, limit: number, matching: number, ids: IdBounds | null = null): SqlQuery {
  const w = where(filter, 0, ids);
  const n = w.values.length;
  const sorted = (filter.fromMs !== undefined || filter.toMs !== undefined) && sortsRange(matching, offset, limit, ids);
  const pageIds = sorted
    ? `WITH matching AS MATERIALIZED (SELECT id FROM tasks ${w.sql}) SELECT id FROM matching`
    : `SELECT id FROM tasks ${w.sql}`;
  return {
    text: `SELECT ${ROW_COLUMNS} FROM tasks t
       JOIN (${pageIds} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}) page USING (id)
       ORDER BY t.id DESC`,
    values: [...w.values, limit, offset],
  };
}

const MILLISECONDS_FROM = 1e12;

/** The gateway's reading of the list query string (mj.service.ts), minus validation. */
export function filterFromQuery(query: URLSearchParams, admin: boolean): ListFilter {
  const filter: ListFilter = {};
  // As the gateway: a filter sent empty, or as a cleared control sends it (NaN, null, undefined), is no filter.
  const text = (name: string) => {
    const value = query.get(name);
    return value === null || ['', 'nan', 'null', 'undefined'].includes(value.trim().toLowerCase()) ? undefined : value;
  };
  const int = (name: string) => (text(name) !== undefined ? Number(text(name)) : undefined);
  const start = int('start_timestamp');
  const end = int('end_timestamp');
  if (text('mj_id') !== undefined) filter.mjId = text('mj_id');
  if (start !== undefined) filter.fromMs = start >= MILLISECONDS_FROM ? start : start * 1000;
  if (end !== undefined) filter.toMs = end >= MILLISECONDS_FROM ? end : end * 1000 + 999;
  if (text('status') !== undefined) filter.status = text('status');
  if (text('action') !== undefined) filter.action = text('action');
  if (int('user_id') !== undefined) filter.userId = int('user_id');
  if (admin && int('channel_id') !== undefined) filter.channelId = int('channel_id');
  return filter;
}
