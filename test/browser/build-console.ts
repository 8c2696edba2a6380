import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CONSOLE_DIST = join(__dirname, '../../apps/admin/dist');

/** Builds the console (vite only; `npm run build -w apps/admin` also type-checks). SKIP_CONSOLE_BUILD=1 reuses a build. */
export function buildConsole(): void {
  if (process.env.SKIP_CONSOLE_BUILD === '1' && existsSync(join(CONSOLE_DIST, 'index.html'))) return;
  const admin = join(__dirname, '../../apps/admin');
  const vite = join(require.resolve('vite/package.json', { paths: [admin] }), '..', 'bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: admin,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' }, // Jest sets NODE_ENV=test: that would build React's development bundle
  });
}
