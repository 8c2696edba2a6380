import { MikroORM } from '@mikro-orm/core';
import { Client } from 'pg';
import { applyMigrations, ormOptions } from '@app/core';
import { seedChannels } from './channels';
import type { SeedOptions } from './options';
import type { Progress } from '../lib/progress';
import { seedTasks, TaskSeedResult } from './tasks';
import { seedUsers, UserSeedResult } from './users';

export interface SeedReport {
  users: UserSeedResult;
  channelIds: number[];
  tasks: TaskSeedResult;
  /** Tasks per status in the whole table afterwards, from the trigger-kept counters. */
  statusCounts: Record<string, number>;
  seconds: { migrations: number; accounts: number; tasks: number; vacuum: number; total: number };
}

const since = (start: number) => (performance.now() - start) / 1000;

/** Migrates the database at `url`, writes users, channels and tasks, then vacuums so lists can use index-only scans. */
export async function seedDatabase(
  url: string,
  options: Omit<SeedOptions, 'databaseUrl'>,
  log: (line: string) => void = console.log,
  bar?: Progress,
): Promise<SeedReport> {
  const start = performance.now();
  const orm = await MikroORM.init(ormOptions(url, 1));
  try {
    await applyMigrations(orm, url);
  } finally {
    await orm.close();
  }
  const migrations = since(start);

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    let step = performance.now();
    const users = await seedUsers(client, options.users);
    const channels = await seedChannels(client, options.channels);
    const accountsSeconds = since(step);
    log(`Users: ${users.ids.length.toLocaleString('en')} (user1..user${options.users}), ${users.created.toLocaleString('en')} new`);
    log(`Channels: ${channels.ids.length} (seed-1..seed-${options.channels}, ids ${channels.ids.join(', ')}), ${channels.created} new`);

    step = performance.now();
    log(`Tasks: writing ${options.tasks.toLocaleString('en')}`);
    const tasks = await seedTasks(client, { userIds: users.ids, channelIds: channels.ids, count: options.tasks }, log, bar);
    const tasksSeconds = since(step);

    step = performance.now();
    // The visibility map lets list queries answer from the index alone; fresh statistics pick the right index.
    await client.query('VACUUM ANALYZE tasks');
    await client.query('VACUUM ANALYZE users');
    const vacuum = since(step);

    const { rows } = await client.query<{ status: string; n: string }>(
      'SELECT status, sum(n) AS n FROM task_counts_by_channel GROUP BY status ORDER BY sum(n) DESC',
    );
    const statusCounts = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
    return {
      users,
      channelIds: channels.ids,
      tasks,
      statusCounts,
      seconds: { migrations, accounts: accountsSeconds, tasks: tasksSeconds, vacuum, total: since(start) },
    };
  } finally {
    await client.end();
  }
}
