import 'reflect-metadata';
import { DatabaseEnv, readEnv, startEmbeddedPostgres } from '@app/core';
import { parseSeedArgs, SEED_USAGE, SeedArgumentError } from './seed/options';
import { seedDatabase } from './seed/seed-database';
import { SEED_PASSWORD } from './seed/users';
import { progress } from './lib/progress';

/** `npm run seed -- --users N --tasks M [--channels C] [--database-url URL]`: realistic data for lists and benchmarks. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SEED_USAGE);
    return;
  }
  const options = parseSeedArgs(argv);
  const env = readEnv(DatabaseEnv);
  const url = options.databaseUrl ?? env.DATABASE_URL;
  const embedded = url ? null : await startEmbeddedPostgres(env.DATA_DIR, 5);
  try {
    const target = url ?? embedded!.url;
    console.log(`Seeding ${url ? new URL(url).host + new URL(url).pathname : `the embedded database in ${embedded!.dataDir}`}`);
    const report = await seedDatabase(target, options, console.log, progress());
    const { tasks, seconds } = report;
    const perSecond = tasks.inserted / Math.max(seconds.tasks, 0.001);
    if (tasks.inserted > 0) {
      console.log(
        `Tasks: ids ${tasks.firstId}..${tasks.lastId}, submitted ${new Date(tasks.fromMs).toISOString()} .. ${new Date(tasks.toMs).toISOString()}`,
      );
    }
    console.log(
      `Tasks by status (whole table): ${Object.entries(report.statusCounts)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
    console.log(
      `Done in ${seconds.total.toFixed(1)} s: migrations ${seconds.migrations.toFixed(1)} s, users and channels ${seconds.accounts.toFixed(1)} s, ` +
        `tasks ${seconds.tasks.toFixed(1)} s (${Math.round(perSecond).toLocaleString('en')}/s), vacuum analyze ${seconds.vacuum.toFixed(1)} s`,
    );
    console.log(`Log in as user1..user${options.users} with the password "${SEED_PASSWORD}"`);
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof SeedArgumentError ? `seed: ${error.message}` : error);
  process.exit(1);
});
