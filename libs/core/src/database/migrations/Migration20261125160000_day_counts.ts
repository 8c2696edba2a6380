import { Migration } from '@mikro-orm/migrations';

/** A task's UTC day, as the day counters key it (submit_time is epoch ms). */
const DAY = '(submit_time / 86400000)::int';

const COUNTERS = [
  { table: 'task_counts_by_user_day', key: 'user_id' },
  { table: 'task_counts_by_channel_day', key: 'channel_id' },
] as const;

/** The statement trigger's function: the counters move by the rows the statement inserted, deleted or moved. */
function applyFunction(table: string, key: string): string {
  const rows = (alias: string) => `${alias}.${key} AS ${key}, (${alias}.submit_time / 86400000)::int AS day`;
  const upsert = (deltas: string) => `INSERT INTO ${table} AS c (${key}, day, n)
        SELECT ${key}, day, sum(n) FROM (${deltas}) d GROUP BY ${key}, day HAVING sum(n) <> 0 ORDER BY ${key}, day
        ON CONFLICT (${key}, day) DO UPDATE SET n = c.n + EXCLUDED.n;`;
  const moved = `FROM old_rows o JOIN new_rows w USING (id)
          WHERE (o.${key}, o.submit_time / 86400000) IS DISTINCT FROM (w.${key}, w.submit_time / 86400000)`;
  return `CREATE FUNCTION ${table}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${upsert(`SELECT ${rows('r')}, 1 AS n FROM new_rows r`)}
        ELSIF TG_OP = 'DELETE' THEN
          ${upsert(`SELECT ${rows('r')}, -1 AS n FROM old_rows r`)}
        ELSE
          ${upsert(`SELECT ${rows('o')}, -1 AS n ${moved} UNION ALL SELECT ${rows('w')}, 1 ${moved}`)}
        END IF;
        RETURN NULL;
      END $$`;
}

/**
 * Exact totals of time ranges without counting every task in them: tasks per owner and per channel per UTC day, kept
 * by statement triggers in the writing transaction like the other counters. A range's total is the whole days from
 * these (the unfiltered list sums the channels' rows) plus the tasks of the two partial days at its edges, counted on
 * the time indexes; a month of a busy gateway no longer means counting a month of tasks per request.
 */
export class Migration20261125160000_day_counts extends Migration {
  override async up(): Promise<void> {
    // Writers of tasks wait until the counters are filled and their triggers in place (readers do not).
    this.addSql(`LOCK TABLE tasks IN SHARE MODE`);
    for (const { table, key } of COUNTERS) {
      this.addSql(`CREATE TABLE ${table} (
        ${key} integer NOT NULL, day integer NOT NULL, n bigint NOT NULL DEFAULT 0, PRIMARY KEY (${key}, day))`);
      this.addSql(`INSERT INTO ${table} (${key}, day, n) SELECT ${key}, ${DAY}, count(*) FROM tasks GROUP BY 1, 2`);
      this.addSql(applyFunction(table, key));
      this.addSql(`CREATE TRIGGER ${table}_insert AFTER INSERT ON tasks
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_apply()`);
      this.addSql(`CREATE TRIGGER ${table}_update AFTER UPDATE ON tasks
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_apply()`);
      this.addSql(`CREATE TRIGGER ${table}_delete AFTER DELETE ON tasks
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_apply()`);
    }
  }

  override async down(): Promise<void> {
    for (const { table } of COUNTERS) {
      for (const op of ['insert', 'update', 'delete']) this.addSql(`DROP TRIGGER ${table}_${op} ON tasks`);
      this.addSql(`DROP FUNCTION ${table}_apply()`);
      this.addSql(`DROP TABLE ${table}`);
    }
  }
}
