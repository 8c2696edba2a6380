import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../apps/api/src/app.module';
import { createHttpAdapter } from '../apps/api/src/bootstrap';
import { buildOpenApiDocument } from '../apps/api/src/openapi';

/** Writes openapi.json from the app's decorators; with --check, fails when the committed file differs. */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const dataDir = mkdtempSync(join(tmpdir(), 'mj-openapi-'));
  Object.assign(process.env, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO: '0', POLLING_ENABLED: 'false' });
  delete process.env.DATABASE_URL;
  // The gateway's own API: a deployment's extensions are not part of the committed document.
  delete process.env.EXTENSIONS;
  const app = await NestFactory.create(AppModule, createHttpAdapter(), { logger: false });
  const text = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  const file = join(process.cwd(), 'openapi.json');
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (committed !== text) {
      console.error('openapi.json is stale: run `npm run openapi` and commit the result');
      process.exit(1);
    }
    console.log('openapi.json is up to date');
    return;
  }
  writeFileSync(file, text);
  console.log(`Wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
