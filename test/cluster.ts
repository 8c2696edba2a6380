import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Compiles the server into dist/ (what `npm start` runs) once per Jest run, whichever test file asks first: files
 * running side by side must not rewrite dist/ while another one's processes load it. A lock directory serialises the
 * askers; a marker names the run that built it (`MJ_TEST_RUN`, set by the global setup).
 */
export function buildServer(): void {
  const run = process.env.MJ_TEST_RUN ?? `${process.pid}`;
  const lock = join(ROOT, 'dist.build-lock');
  const marker = join(ROOT, 'dist', '.test-run');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for two minutes: remove it if no test run is building`);
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (existsSync(marker) && readFileSync(marker, 'utf8') === run) return;
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    writeFileSync(marker, run);
  } finally {
    rmdirSync(lock);
  }
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** One gateway as its own OS process (the built dist), on a random port. */
export function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'mj-proc-')), LOG_LEVEL: 'warn', DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 60000);
    const check = () => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({
        url: `http://127.0.0.1:${match[1]}`,
        child,
        output: () => output,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}):\n${output}`)));
  });
}
