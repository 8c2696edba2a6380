import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@app/core';
import { migrate, prepareTemplate } from './database';

/**
 * Once per run: the migrated template on PostgreSQL, and an embedded PGlite server for the e2e files that
 * also run on it (PGlite cannot start inside a test's sandbox, so it lives here, in Jest's main process).
 */
export default async function globalSetup(): Promise<void> {
  // Names this run for buildServer (test/cluster.ts): dist/ is built once per run, by the first file that needs it.
  process.env.MJ_TEST_RUN = `${process.pid}-${Date.now()}`;
  await prepareTemplate();
  const embedded = await startEmbeddedPostgres(mkdtempSync(join(tmpdir(), 'mj-pglite-')), 20);
  await migrate(embedded.url);
  process.env.EMBEDDED_TEST_DATABASE_URL = embedded.url;
  (globalThis as { __embedded?: typeof embedded }).__embedded = embedded;
}
