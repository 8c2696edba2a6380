import type { Client } from 'pg';

/** Tables the gateway's triggers fill from the others (counters, the store's byte total): rebuilt by copying, then checked. */
export const isDerived = (table: string): boolean => /^task_counts_/.test(table) || table === 'media_store_usage';

/**
 * Tables a trigger starts rows in when their parent is copied (an unfinished task joins the poll schedule, due at its
 * submit time): emptied right before they are copied, so the source's rows (with their real next polls) replace them.
 */
export const isStartedByTrigger = (table: string): boolean => table === 'task_polls';

/** The migrations' own bookkeeping: the target is migrated, not copied into. */
const MIGRATIONS = 'mikro_orm_migrations';

/**
 * The running instances' own state, not data: which instance polls which bucket, and when each was last seen. The
 * target's instances start from the migration's rows; the source's leases mean nothing there.
 */
const isRuntime = (table: string): boolean => table === 'poll_buckets' || table === 'poll_workers';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
export { quote };

/** The public schema's tables, split into those to copy (parents before children) and the derived ones; no runtime state. */
export async function listTables(client: Client): Promise<{ copied: string[]; derived: string[] }> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const { rows: references } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND c.relname <> p.relname`,
  );
  const names = tables.map((t) => t.name).filter((name) => name !== MIGRATIONS && !isRuntime(name));
  const copied: string[] = [];
  const pending = names.filter((name) => !isDerived(name));
  // Parents first: a table goes once every table it references has gone.
  while (pending.length) {
    const ready = pending.filter((name) => references.every((r) => r.child !== name || !pending.includes(r.parent)));
    if (!ready.length) throw new Error(`foreign keys form a cycle among ${pending.join(', ')}`);
    for (const name of ready) {
      copied.push(name);
      pending.splice(pending.indexOf(name), 1);
    }
  }
  return { copied, derived: names.filter(isDerived) };
}

export async function countRows(client: Client, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`);
  return Number(rows[0].n);
}

/** A table's rows as JSON text, in a stable order; counter rows that went back to zero are left out. */
export async function tableContent(client: Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${quote(table)} t`);
  return rows
    .map((r) => r.row)
    .filter((row) => !/"n":0[,}]/.test(row))
    .sort();
}

/** The public schema's sequences with their positions. */
export async function sequences(client: Client): Promise<{ name: string; lastValue: string; isCalled: boolean }[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT sequence_name AS name FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY 1`,
  );
  const out = [];
  for (const { name } of rows) {
    const { rows: position } = await client.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value, is_called FROM ${quote(name)}`,
    );
    out.push({ name, lastValue: position[0].last_value, isCalled: position[0].is_called });
  }
  return out;
}
