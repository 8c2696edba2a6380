// Fails (exit 1) when src/api/schema.d.ts is not what openapi-typescript makes of the committed openapi.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'src/api/schema.d.ts');
const dir = mkdtempSync(join(tmpdir(), 'mj-client-'));
const fresh = join(dir, 'schema.d.ts');
const pkg = createRequire(import.meta.url).resolve('openapi-typescript/package.json');
const cli = join(dirname(pkg), JSON.parse(readFileSync(pkg, 'utf8')).bin['openapi-typescript']);
try {
  execFileSync(process.execPath, [cli, join(root, '../../openapi.json'), '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error('apps/admin/src/api/schema.d.ts is stale: run `npm run generate -w apps/admin` and commit it.');
    process.exitCode = 1;
  } else {
    console.log('apps/admin/src/api/schema.d.ts matches openapi.json');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
