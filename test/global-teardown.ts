import type { EmbeddedPostgres } from '@app/core';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __embedded?: EmbeddedPostgres }).__embedded?.stop();
}
