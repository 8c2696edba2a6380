import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DatabaseEnv, readEnv, startEmbeddedPostgres } from '@app/core';
import { progress } from './lib/progress';
import { runScript, ScriptError } from './lib/run-script';

const USAGE = `Usage: npm run db:backup -- [--out FILE]
A consistent copy of the embedded database under DATA_DIR as one .tar.gz (default DATA_DIR/backups/pglite-<time>.tar.gz),
opened once more to check it. The gateway must be stopped (the embedded database has one user at a time).
Restore: stop the gateway, move DATA_DIR/pglite away, then  mkdir DATA_DIR/pglite && tar xzf FILE -C DATA_DIR/pglite`;

const COUNTED = ['users', 'api_keys', 'channels', 'tasks', 'ledger_entries', 'media_objects'];

async function counts(db: PGlite): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of COUNTED) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    out[table] = rows[0].n;
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE);
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag !== '--out') throw new ScriptError(`unknown argument "${argv[i]}"\n${USAGE}`);
    out = inline ?? argv[++i];
    if (!out) throw new ScriptError('--out needs a file name');
  }
  const env = readEnv(DatabaseEnv);
  if (env.DATABASE_URL)
    throw new ScriptError('DATABASE_URL is set: back up PostgreSQL with pg_dump; db:backup is for the embedded database');
  if (!existsSync(join(env.DATA_DIR, 'pglite', 'PG_VERSION'))) {
    throw new ScriptError(`there is no embedded database in ${resolve(env.DATA_DIR, 'pglite')} (DATA_DIR)`);
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const file = resolve(out ?? join(env.DATA_DIR, 'backups', `pglite-${stamp}.tar.gz`));
  const bar = progress();
  bar.start('backup', 3);
  // Opening it takes the data directory's lock: a running gateway makes this a refusal, not a torn copy.
  const embedded = await startEmbeddedPostgres(env.DATA_DIR, 1);
  let before: Record<string, number>;
  let archive: Buffer;
  try {
    before = await counts(embedded.db);
    archive = Buffer.from(await (await embedded.db.dumpDataDir('gzip')).arrayBuffer());
  } finally {
    await embedded.stop();
  }
  bar.advance();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, archive);
  bar.advance();
  // The check: the archive opens as a database holding the same rows.
  const scratch = mkdtempSync(join(tmpdir(), 'mj-backup-check-'));
  try {
    const copy = await PGlite.create({ dataDir: scratch, loadDataDir: new Blob([archive]) });
    const after = await counts(copy);
    await copy.close();
    if (JSON.stringify(after) !== JSON.stringify(before))
      throw new Error(`the backup does not hold the same rows: ${JSON.stringify(after)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  bar.advance();
  bar.stop();
  console.log(`Backup: ${file} (${(archive.length / 1048576).toFixed(1)} MB), checked: it opens with the same rows`);
  console.log(
    `  ${Object.entries(before)
      .map(([table, n]) => `${table} ${n.toLocaleString('en')}`)
      .join(', ')}`,
  );
  console.log('Media files are not in it: they stay in DATA_DIR/media (copy that folder too).');
}

runScript('db:backup', main);
