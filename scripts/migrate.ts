import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { applyMigrations, DatabaseEnv, ormOptions, readEnv, startEmbeddedPostgres } from '@app/core';

/** `npm run migration:up`: applies pending migrations to DATABASE_URL, or to the embedded database under DATA_DIR. */
async function main(): Promise<void> {
  const env = readEnv(DatabaseEnv);
  const embedded = env.DATABASE_URL ? null : await startEmbeddedPostgres(env.DATA_DIR, 5);
  const url = env.DATABASE_URL ?? embedded!.url;
  const orm = await MikroORM.init(ormOptions(url, 1));
  try {
    const applied = await applyMigrations(orm, url);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date');
  } finally {
    await orm.close();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
