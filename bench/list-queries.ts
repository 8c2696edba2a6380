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

/** Up to this many matches, a time-range page is sorted from the time index (a top-N sort of ids). */
const NARROW_RANGE_ROWS = 50_000;
const WALK_COST = 8;

const ROW_COLUMNS = `t.id, t.user_id, t.channel_id, t.mj_id, t.action, t.mode, t.prompt, t.prompt_en, t.status, t.progress,
  t.image_url, t.image_urls, t.video_url, t.video_urls, (t.submit_time / 1000)::int8::float8 AS submit_time,
  (t.start_time / 1000)::int8::float8 AS start_time, (t.finish_time / 1000)::int8::float8 AS finish_time,
  t.fail_reason, t.quota::float8 AS quota, t.submit_code AS code, t.description, t.state, t.buttons, t.properties, t.queued, t.upstream_id,
  t.original_prompt`;

/** `after`: how many `$n` parameters come before this clause in the statement. */
function where(filter: ListFilter, after = 0): { sql: string; values: unknown[] } {
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

/** A time range, alone or by user or channel: whole UTC days from the day counters, the partial edge days counted. */
function rangeCountQuery(filter: ListFilter, counters: { table: string; scope: ListFilter }): SqlQuery | null {
  const { fromMs, toMs } = filter;
  if (fromMs === undefined && toMs === undefined) return null;
  if (!onlyKeys(filter, ['userId', 'channelId', 'fromMs', 'toMs'])) return null;
  const firstDay = fromMs === undefined ? undefined : Math.ceil(fromMs / DAY_MS);
  const lastDay = toMs === undefined ? undefined : Math.floor((toMs + 1) / DAY_MS) - 1;
  if (firstDay !== undefined && lastDay !== undefined && firstDay > lastDay) return null;
  const owner = where(counters.scope);
  const values = [...owner.values];
  const days = [
    firstDay === undefined ? '' : `day >= $${values.push(firstDay)}`,
    lastDay === undefined ? '' : `day <= $${values.push(lastDay)}`,
  ];
  const terms = [
    `SELECT coalesce(sum(n), 0) FROM ${counters.table}_day ${owner.sql ? `${owner.sql} AND` : 'WHERE'} ${days.filter(Boolean).join(' AND ')}`,
  ];
  const edge = (range: ListFilter) => {
    const count = countRows({ ...counters.scope, ...range }, values.length);
    terms.push(count.text);
    values.push(...count.values);
  };
  if (fromMs !== undefined && fromMs < firstDay! * DAY_MS) edge({ fromMs, toMs: firstDay! * DAY_MS - 1 });
  if (toMs !== undefined && toMs >= (lastDay! + 1) * DAY_MS) edge({ fromMs: (lastDay! + 1) * DAY_MS, toMs });
  return { text: `SELECT ${terms.map((term) => `(${term})`).join(' + ')} AS n`, values };
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

/**
 * The count of tasks newer than a range's end, when the page query needs it to choose its plan (`walkCostsMore`):
 * a range with an end, more than NARROW_RANGE_ROWS matches, and a filter the day counters hold.
 */
function newerQuery(filter: ListFilter, matching: number): SqlQuery | null {
  if (filter.toMs === undefined || matching <= NARROW_RANGE_ROWS || !countersOf(filter)) return null;
  if (!onlyKeys(filter, ['userId', 'channelId', 'fromMs', 'toMs'])) return null;
  return countQuery({ ...filter, fromMs: filter.toMs + 1, toMs: undefined });
}

/**
 * A page in two trips, as the gateway runs it past `oneTrip`: the total, then (for a range whose plan depends on it)
 * the tasks newer than its end, each answered by `count`; `page` is null when the total says the page is empty.
 */
export async function twoTripPage(
  filter: ListFilter,
  offset: number,
  limit: number,
  count: (query: SqlQuery) => Promise<number>,
): Promise<{ total: number; counts: SqlQuery[]; page: SqlQuery | null }> {
  const total = await count(countQuery(filter));
  if (offset >= total) return { total, counts: [countQuery(filter)], page: null };
  const newer = newerQuery(filter, total);
  const newerCount = newer ? await count(newer) : 0;
  return {
    total,
    counts: [countQuery(filter), ...(newer ? [newer] : [])],
    page: pageQuery(filter, offset, limit, total, newerCount),
  };
}

/**
 * `matching` is the count query's answer, `newer` the newer query's (0 without one): a narrow time range, or one
 * ending far back, is read from the time index, then sorted.
 */
export function pageQuery(filter: ListFilter, offset: number, limit: number, matching: number, newer = 0): SqlQuery {
  const w = where(filter);
  const n = w.values.length;
  const narrowRange =
    (filter.fromMs !== undefined || filter.toMs !== undefined) && (matching <= NARROW_RANGE_ROWS || newer * WALK_COST > matching);
  const ids = narrowRange
    ? `WITH matching AS MATERIALIZED (SELECT id FROM tasks ${w.sql}) SELECT id FROM matching`
    : `SELECT id FROM tasks ${w.sql}`;
  return {
    text: `SELECT ${ROW_COLUMNS} FROM tasks t
       JOIN (${ids} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}) page USING (id)
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
