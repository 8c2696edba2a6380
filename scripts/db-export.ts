import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { Client } from 'pg';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyMigrations, DatabaseEnv, ormOptions, readEnv, startEmbeddedPostgres } from '@app/core';
import { copyDatabase } from './db/copy-database';
import { progress } from './lib/progress';
import { runScript, ScriptError } from './lib/run-script';

const USAGE = `Usage: npm run db:export -- --to postgresql://user:password@host:5432/database
Copies the embedded database under DATA_DIR (stop the gateway first) into an empty PostgreSQL database, which it
migrates first. Then start the gateway with DATABASE_URL=<that URL> and the same DATA_DIR (media files, secrets).`;

function parseArgs(argv: string[]): string {
  let to: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag !== '--to') throw new ScriptError(`unknown argument "${argv[i]}"\n${USAGE}`);
    to = inline ?? argv[++i];
  }
  if (!to) throw new ScriptError(`--to is required\n${USAGE}`);
  if (!/^postgres(ql)?:\/\//.test(to))
    throw new ScriptError(`--to must be a postgres:// or postgresql:// URL, got "${to.replace(/:[^:@/]*@/, ':***@')}"`);
  return to;
}

async function migrate(url: string): Promise<number> {
  const orm = await MikroORM.init(ormOptions(url, 1));
  try {
    return (await applyMigrations(orm, url)).length;
  } finally {
    await orm.close();
  }
}

function where(url: string): string {
  const parsed = new URL(url);
  return `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE);
  const to = parseArgs(argv);
  const env = readEnv(DatabaseEnv);
  if (!existsSync(join(env.DATA_DIR, 'pglite', 'PG_VERSION'))) {
    throw new ScriptError(`there is no embedded database in ${resolve(env.DATA_DIR, 'pglite')} (DATA_DIR)`);
  }
  const embedded = await startEmbeddedPostgres(env.DATA_DIR, 2);
  const source = new Client({ connectionString: embedded.url });
  const target = new Client({ connectionString: to });
  try {
    console.log(`From: embedded PGlite in ${embedded.dataDir}`);
    console.log(`To:   ${where(to)}`);
    const [sourceMigrated, targetMigrated] = [await migrate(embedded.url), await migrate(to)];
    console.log(`Migrations applied now: ${sourceMigrated} to the embedded database, ${targetMigrated} to the target`);
    await source.connect();
    await target.connect();
    const report = await copyDatabase(source, target, progress());

    const width = Math.max(...Object.keys({ ...report.rows, ...report.derived }).map((t) => t.length));
    console.log('\nRows copied:');
    for (const [table, n] of Object.entries(report.rows)) console.log(`  ${table.padEnd(width)}  ${n.toLocaleString('en')}`);
    console.log("Rebuilt by the target's triggers, compared with the embedded database:");
    for (const [table, { rows, equal }] of Object.entries(report.derived)) {
      console.log(
        `  ${table.padEnd(width)}  ${rows.toLocaleString('en')} rows, ${equal ? 'equal' : 'DIFFERENT: the new counts come from the copied rows'}`,
      );
    }
    const { users, total, ledgerEntries } = report.balances;
    console.log(
      `Balances: ${users} users, ${BigInt(total).toLocaleString('en')} quota in all, ${ledgerEntries.toLocaleString('en')} ledger entries: checked equal, user by user`,
    );
    console.log(`Sequences: ${report.sequences} set to the embedded database's positions`);
    console.log(`\nDone. Start the gateway on PostgreSQL with the same DATA_DIR (its media files and secrets):`);
    console.log(`  DATABASE_URL='${to.replace(/:[^:@/]*@/, ':***@')}' DATA_DIR=${env.DATA_DIR} npm start`);
  } finally {
    await source.end().catch(() => undefined);
    await target.end().catch(() => undefined);
    await embedded.stop();
  }
}

runScript('db:export', main);
