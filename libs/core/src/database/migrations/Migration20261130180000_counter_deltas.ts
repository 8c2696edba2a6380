import { Migration } from '@mikro-orm/migrations';

/** The four counter tables, each with the columns (or expressions) it counts tasks by. */
const COUNTERS = [
  { table: 'task_counts_by_user', keys: ['user_id', 'status', 'action'] },
  { table: 'task_counts_by_channel', keys: ['channel_id', 'status', 'action'] },
  { table: 'task_counts_by_user_day', keys: ['user_id', 'day'] },
  { table: 'task_counts_by_channel_day', keys: ['channel_id', 'day'] },
] as const;

const expression = (key: string) => (key === 'day' ? '(submit_time / 86400000)::int AS day' : key);

/**
 * The statement trigger's function. An update's deltas are every old row's key counted -1 and every new row's +1,
 * summed per key: rows whose key did not move cancel out. The version this replaces paired old and new rows with a
 * join on the transition tables, which have no statistics: PostgreSQL nested-looped them, spilling wide rows to
 * disk, and one statement over 10,000 tasks took minutes (1,000 tasks, as the poller writes them: a large share of
 * a polling pass).
 */
export function applyFunction(table: string, keys: readonly string[], joinFree: boolean): string {
  const columns = keys.join(', ');
  const selected = keys.map(expression).join(', ');
  const upsert = (deltas: string) => `INSERT INTO ${table} AS c (${columns}, n)
        SELECT ${columns}, sum(n) FROM (${deltas}) d GROUP BY ${columns} HAVING sum(n) <> 0 ORDER BY ${columns}
        ON CONFLICT (${columns}) DO UPDATE SET n = c.n + EXCLUDED.n;`;
  const prefixed = (alias: string) =>
    keys.map((key) => (key === 'day' ? `(${alias}.submit_time / 86400000)::int AS day` : `${alias}.${key}`)).join(', ');
  const compared = (alias: string) => keys.map((key) => (key === 'day' ? `${alias}.submit_time / 86400000` : `${alias}.${key}`)).join(', ');
  const moved = `FROM old_rows o JOIN new_rows w USING (id) WHERE (${compared('o')}) IS DISTINCT FROM (${compared('w')})`;
  const updated = joinFree
    ? `SELECT ${selected}, -1 AS n FROM old_rows UNION ALL SELECT ${selected}, 1 FROM new_rows`
    : `SELECT ${prefixed('o')}, -1 AS n ${moved} UNION ALL SELECT ${prefixed('w')}, 1 ${moved}`;
  return `CREATE OR REPLACE FUNCTION ${table}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${upsert(`SELECT ${selected}, 1 AS n FROM new_rows`)}
        ELSIF TG_OP = 'DELETE' THEN
          ${upsert(`SELECT ${selected}, -1 AS n FROM old_rows`)}
        ELSE
          ${upsert(updated)}
        END IF;
        RETURN NULL;
      END $$`;
}

/** Counter triggers without a join: an update moves the counters in time linear in its rows. */
export class Migration20261130180000_counter_deltas extends Migration {
  override async up(): Promise<void> {
    for (const { table, keys } of COUNTERS) this.addSql(applyFunction(table, keys, true));
  }

  override async down(): Promise<void> {
    for (const { table, keys } of COUNTERS) this.addSql(applyFunction(table, keys, false));
  }
}
