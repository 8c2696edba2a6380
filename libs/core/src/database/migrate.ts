import { MikroORM } from '@mikro-orm/core';
import { Client } from 'pg';

const MIGRATION_LOCK = 727_001;

/**
 * Applies pending migrations. Several gateway processes may start at once against one database,
 * so the run is serialised by a PostgreSQL advisory lock held on a connection of its own.
 */
export async function applyMigrations(orm: MikroORM, clientUrl: string): Promise<string[]> {
  const lock = new Client({ connectionString: clientUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
