import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';

export interface RunningServer {
  name: string;
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The V8 flags `npm start` and the Docker image run the gateway with; baselines get the same, to compare like with like. */
export const SERVER_NODE_OPTIONS = '--max-semi-space-size=64';

/** USER_HZ: 100 on every mainstream Linux build (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `node <script>` with its output in `logFile`, and waits until `readyPath` answers 200.
 * On failure the log's tail is in the error, since the child's own message is the useful part.
 */
export async function startServer(options: {
  name: string;
  script: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  readyPath: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<RunningServer> {
  const log = createWriteStream(options.logFile);
  // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of each server (open it in Chrome's DevTools) when it stops.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`, `--cpu-prof-name=${options.name}-${Date.now()}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profile, options.script, ...(options.args ?? [])], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const done = await Promise.race([exited(child).then(() => true), sleep(5000).then(() => false)]);
    if (!done) child.kill('SIGKILL');
    await exited(child);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(baseUrl + options.readyPath).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { name: options.name, baseUrl, pid: child.pid!, stop };
    await sleep(200);
  }
  await stop();
  const tail = (await readFile(options.logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
  throw new Error(`${options.name} did not become ready (log ${options.logFile}):\n${tail}`);
}

/** CPU time (user + system) a process has used, in ms, from /proc; null where there is no /proc. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * What every suite's gateway runs with, before its own variables: production mode on loopback (where plain HTTP is
 * allowed), a fixed secret, warnings only, no demo upstream and no poller.
 */
export function gatewayEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    ALLOW_INSECURE_HTTP: 'true',
    JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    LOG_LEVEL: 'warn',
    DEMO: '0',
    POLLING_ENABLED: 'false',
    ...env,
  };
}

/**
 * A JSON call to a bench server (GET without a body, POST with one), throwing on a non-2xx answer. A connect that timed
 * out never sent the request, so it is tried again, up to 5 times (the machine may be busy with other work).
 */
export async function callJson(baseUrl: string, path: string, token: string | null, body?: unknown, attempt = 1): Promise<any> {
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code;
    if (code !== 'UND_ERR_CONNECT_TIMEOUT' || attempt >= 5) throw error;
    return callJson(baseUrl, path, token, body, attempt + 1);
  }
}
