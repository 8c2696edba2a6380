import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from './database';

/**
 * The counter tables behind the list totals (per owner, per channel, per day) are kept by statement triggers. Their
 * totals must equal a count of the tasks after any mix of writes, the day counters' id bounds must hold every id of
 * their day, and a statement over thousands of tasks (as the poller writes them) must not take a quadratic join of
 * its rows.
 */
describe('task counters', () => {
  let db: TestDatabase;
  let client: Client;
  const DAY_MS = 86_400_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO users (username, password_hash, quota) SELECT 'u' || g, 'x', 0 FROM generate_series(1, 3) g`);
    await client.query(`INSERT INTO channels (name, base_url) SELECT 'c' || g, 'http://127.0.0.1:1' FROM generate_series(1, 3) g`);
    // 12,000 tasks over three owners, three channels and ten days.
    await client.query(
      `INSERT INTO tasks (user_id, channel_id, mj_id, upstream_id, action, status, progress, submit_time, deadline_at)
       SELECT (SELECT min(id) FROM users) + g % 3, (SELECT min(id) FROM channels) + g % 3, g::text, g::text,
         CASE WHEN g % 5 = 0 THEN 'UPSCALE' ELSE 'IMAGINE' END, 'NOT_START', '', $1::bigint + (g % 10) * $2::bigint, $1::bigint + 3600000
       FROM generate_series(1, 12000) g`,
      [Date.UTC(2026, 10, 1), DAY_MS],
    );
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  /** Counter rows that differ from a count of the tasks, per counter table (zero counts and missing rows are equal). */
  async function expectCountersExact(): Promise<void> {
    const counters = [
      { table: 'task_counts_by_user', keys: 'user_id, status, action', counted: 'user_id, status, action' },
      { table: 'task_counts_by_channel', keys: 'channel_id, status, action', counted: 'channel_id, status, action' },
      { table: 'task_counts_by_user_day', keys: 'user_id, day', counted: 'user_id, (submit_time / 86400000)::int AS day' },
      { table: 'task_counts_by_channel_day', keys: 'channel_id, day', counted: 'channel_id, (submit_time / 86400000)::int AS day' },
    ];
    const wrong: string[] = [];
    for (const { table, keys, counted } of counters) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT ${counted}, count(*) AS n FROM tasks GROUP BY ${keys}) t
         FULL JOIN ${table} c USING (${keys}) WHERE coalesce(c.n, 0) <> coalesce(t.n, 0)`,
      );
      wrong.push(`${table}: ${rows[0].n}`);
    }
    // The day counters' id bounds hold every id of their owner or channel and day (time ranges are paged within them).
    for (const { table, keys, counted } of counters.filter(({ table }) => table.endsWith('_day'))) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT ${counted}, min(id) AS lo, max(id) AS hi FROM tasks GROUP BY ${keys}) t
         LEFT JOIN ${table} c USING (${keys}) WHERE c.min_id IS NULL OR t.lo < c.min_id OR t.hi > c.max_id`,
      );
      wrong.push(`${table} bounds: ${rows[0].n}`);
    }
    expect(wrong).toEqual([
      ...counters.map(({ table }) => `${table}: 0`),
      ...counters.filter(({ table }) => table.endsWith('_day')).map(({ table }) => `${table} bounds: 0`),
    ]);
  }

  it('match a count of the tasks after inserts', async () => {
    await expectCountersExact();
  });

  it('follow one statement that moves 12,000 tasks, some to another status, owner, channel or day', async () => {
    // Small statements first on the same connection, as a pooled connection sees them: PostgreSQL keeps the trigger's
    // plan from them, and the join of the old version then nested-looped the big statement's rows (4,000: 22 s).
    for (let i = 1; i <= 12; i++) await client.query(`UPDATE tasks SET progress = '1%' WHERE mj_id = $1`, [String(i)]);
    const started = Date.now();
    await client.query(`UPDATE tasks SET
      status = CASE WHEN id % 2 = 0 THEN 'IN_PROGRESS' ELSE status END,
      user_id = CASE WHEN id % 7 = 0 THEN (SELECT min(id) FROM users) ELSE user_id END,
      channel_id = CASE WHEN id % 11 = 0 THEN (SELECT max(id) FROM channels) ELSE channel_id END,
      submit_time = CASE WHEN id % 13 = 0 THEN submit_time + ${DAY_MS} ELSE submit_time END,
      updated_at = updated_at + 1`);
    // Not a benchmark: the old triggers' quadratic join took minutes here; the guard only tells that shape apart.
    expect(Date.now() - started).toBeLessThan(60_000);
    await expectCountersExact();
  });

  it('stay put when a statement rewrites tasks without moving them', async () => {
    const before = await client.query('SELECT sum(n)::int AS n, count(*)::int AS rows FROM task_counts_by_user');
    await client.query(`UPDATE tasks SET progress = '5%' WHERE id % 3 = 0`);
    const after = await client.query('SELECT sum(n)::int AS n, count(*)::int AS rows FROM task_counts_by_user');
    expect(after.rows[0]).toEqual(before.rows[0]);
    await expectCountersExact();
  });

  it('follow deletes and a final move of every task', async () => {
    await client.query(`DELETE FROM tasks WHERE id % 17 = 0`);
    await client.query(`UPDATE tasks SET status = 'SUCCESS', progress = '100%'`);
    await expectCountersExact();
  });
});
