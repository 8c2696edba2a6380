// `npm start` and the scripts build only what changed since the last build: the server (SWC into dist/) and the
// console (Vite into apps/admin/dist/). A build's inputs (every file's path, size and mtime) are fingerprinted next
// to its output; an unchanged fingerprint skips the build. Plain JavaScript: it runs before anything is compiled.
// Usage: node scripts/build-changed.mjs [server] [console]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Vite as the console's workspace resolves it (npm hoists it to the root, or keeps it in apps/admin). */
function viteBin() {
  const require = createRequire(join(root, 'apps/admin/package.json'));
  const manifest = require.resolve('vite/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin.vite);
}

const targets = {
  server: {
    inputs: [
      'apps/api/src',
      'apps/mj-simulator/src',
      'libs',
      'examples',
      'scripts',
      'bench',
      '.swcrc',
      'package.json',
      'package-lock.json',
    ],
    output: 'dist',
    check: 'dist/apps/api/src/main.js',
    build: () => ['npm', ['run', 'build', '--silent'], root],
  },
  console: {
    inputs: [
      'apps/admin/src',
      'apps/admin/index.html',
      'apps/admin/public',
      'apps/admin/vite.config.ts',
      'apps/admin/package.json',
      'openapi.json',
      'package-lock.json',
    ],
    output: 'apps/admin/dist',
    check: 'apps/admin/dist/index.html',
    // Vite alone: the console's type-check is CI's (npm run build:admin), not every start's.
    build: () => [process.execPath, [viteBin(), 'build', '--logLevel', 'warn'], join(root, 'apps/admin')],
    env: ['CONSOLE_TASK_EVENTS'],
  },
};

function files(path, out) {
  if (!existsSync(path)) return out;
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules' && entry !== 'dist') files(join(path, entry), out);
  } else {
    out.push(`${relative(root, path)}\t${stat.size}\t${Math.trunc(stat.mtimeMs)}`);
  }
  return out;
}

function fingerprint(target) {
  const hash = createHash('sha256');
  for (const input of target.inputs) hash.update(files(join(root, input), []).join('\n'));
  for (const name of target.env ?? []) hash.update(`${name}=${process.env[name] ?? ''}`);
  return hash.digest('hex');
}

const names = process.argv.slice(2).length ? process.argv.slice(2) : ['server', 'console'];
for (const name of names) {
  const target = targets[name];
  if (!target) {
    console.error(`build-changed: unknown target "${name}" (server, console)`);
    process.exit(1);
  }
  const stampFile = join(root, target.output, '.build-fingerprint');
  const before = fingerprint(target);
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
  if (stamp === before && existsSync(join(root, target.check))) continue;
  const started = Date.now();
  const [command, args, cwd] = target.build();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build-changed: the ${name} build failed`);
    process.exit(result.status ?? 1);
  }
  mkdirSync(join(root, target.output), { recursive: true });
  writeFileSync(stampFile, before);
  console.error(`Built the ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
