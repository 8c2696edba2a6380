import { Client } from 'pg';
import type { Progress } from '../lib/progress';
import { ScriptError } from '../lib/run-script';
import { countRows, isStartedByTrigger, listTables, quote, sequences, tableContent } from './tables';

const BATCH = 2000;

export interface CopyReport {
  /** Rows per copied table, the same on both sides. */
  rows: Record<string, number>;
  /** Derived tables (counters) rebuilt by the target's triggers, and whether they equal the source's. */
  derived: Record<string, { rows: number; equal: boolean }>;
  sequences: number;
  balances: { users: number; total: string; ledgerEntries: number };
}

async function migrationNames(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM mikro_orm_migrations ORDER BY name');
  return rows.map((r) => r.name);
}

/** Users' balances and ledger sums per user, to compare both sides. */
async function balances(client: Client): Promise<string> {
  const { rows } = await client.query<{ v: string }>(`SELECT coalesce(json_agg(b ORDER BY b.id), '[]')::text AS v FROM (
      SELECT u.id, u.quota, (SELECT coalesce(sum(amount), 0) FROM ledger_entries l WHERE l.user_id = u.id) AS ledger_sum,
        (SELECT count(*) FROM ledger_entries l WHERE l.user_id = u.id) AS ledger_rows
      FROM users u) b`);
  return rows[0].v;
}

/**
 * Copies every table of `source` into `target` (both migrated to the same list), in one transaction on each side:
 * the source read from one snapshot, the target all or nothing. Refuses a target that holds any row.
 */
export async function copyDatabase(source: Client, target: Client, bar: Progress): Promise<CopyReport> {
  const [sourceMigrations, targetMigrations] = [await migrationNames(source), await migrationNames(target)];
  if (sourceMigrations.join() !== targetMigrations.join()) {
    throw new ScriptError(
      `the two databases are at different migrations (${sourceMigrations.length} here, ${targetMigrations.length} there)`,
    );
  }
  const { copied, derived } = await listTables(source);
  const filled = [];
  for (const table of copied) {
    const n = await countRows(target, table);
    if (n > 0) filled.push(`${table}: ${n}`);
  }
  if (filled.length) {
    throw new ScriptError(`the target database is not empty (${filled.join(', ')} rows): the export copies into an empty database only`);
  }

  await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await target.query('BEGIN');
  try {
    const rows: Record<string, number> = {};
    for (const table of copied) {
      const total = await countRows(source, table);
      bar.start(table, total);
      if (isStartedByTrigger(table)) await target.query(`DELETE FROM ${quote(table)}`);
      await source.query(`DECLARE export_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM ${quote(table)} t`);
      let copiedRows = 0;
      for (;;) {
        const { rows: batch } = await source.query<{ row: string }>(`FETCH ${BATCH} FROM export_rows`);
        if (!batch.length) break;
        // Each row travels as its own JSON (bigints, jsonb and times as text): no value passes through a JS number.
        await target.query(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`, [
          `[${batch.map((r) => r.row).join(',')}]`,
        ]);
        copiedRows += batch.length;
        bar.advance(batch.length);
      }
      await source.query('CLOSE export_rows');
      rows[table] = copiedRows;
    }
    bar.stop();

    const seqs = await sequences(source);
    for (const seq of seqs) {
      await target.query('SELECT setval($1::regclass, $2::bigint, $3)', [quote(seq.name), seq.lastValue, seq.isCalled]);
    }

    // The checks: rows per table, counters rebuilt by the target's triggers, every user's balance and ledger.
    for (const table of copied) {
      const there = await countRows(target, table);
      if (there !== rows[table]) throw new Error(`${table}: ${rows[table]} rows read, ${there} in the target`);
    }
    const derivedReport: CopyReport['derived'] = {};
    for (const table of derived) {
      const [here, there] = [await tableContent(source, table), await tableContent(target, table)];
      derivedReport[table] = { rows: there.length, equal: here.join('\n') === there.join('\n') };
    }
    const [before, after] = [await balances(source), await balances(target)];
    if (before !== after) throw new Error("the users' balances or ledgers differ after the copy");
    const users = JSON.parse(after) as { quota: string | number; ledger_rows: string | number }[];
    await target.query('COMMIT');
    return {
      rows,
      derived: derivedReport,
      sequences: seqs.length,
      balances: {
        users: users.length,
        total: users.reduce((sum, u) => sum + BigInt(u.quota), 0n).toString(),
        ledgerEntries: users.reduce((sum, u) => sum + Number(u.ledger_rows), 0),
      },
    };
  } catch (error) {
    bar.stop();
    await target.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await source.query('ROLLBACK').catch(() => undefined);
  }
}
