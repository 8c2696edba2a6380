import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client } from 'pg';
import { createFreshDatabase, databaseUrl, dropDatabase } from './database';
import { describeMachine, machineMarkdown } from './machine';
import { freePort, gatewayEnv, RunningServer, SERVER_NODE_OPTIONS, startServer } from './processes';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

const DATABASE = 'mj_bench_proxy';
const SMALL = 2 * 1024 * 1024;
const LARGE = 20 * 1024 * 1024;
const STREAMS = 100;
const TTFB_SAMPLES = 200;
// As in the lists suite: a cold gateway's first seconds cost more CPU per request (its code not yet compiled), and a
// running gateway is warm. Both servers get the same.
const WARMUP_SECONDS = 5;
const ADMIN = { username: 'admin', password: 'bench-admin-password' };

/** The yardsticks, run as `node proxy.js --baseline static --file F --port P` or `--baseline pass-through --target U --port P`. */
function serveBaseline(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { baseline: { type: 'string' }, file: { type: 'string' }, target: { type: 'string' }, port: { type: 'string' } },
  });
  const size = values.file ? statSync(values.file).size : 0;
  const server = createServer((req, res) => {
    if (req.url === '/health') return res.end('ok');
    if (values.baseline === 'static') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': size });
      createReadStream(values.file!).pipe(res);
      return;
    }
    get(values.target!, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, {
        'content-type': upstream.headers['content-type'] ?? '',
        'content-length': upstream.headers['content-length'] ?? '',
      });
      upstream.pipe(res);
    }).on('error', () => res.destroy());
  });
  server.listen(Number(values.port), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

interface WrkResult {
  requestsPerSecond: number;
  mbPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** The server's own CPU time per request (user + system): unlike req/s, barely moved by other load on the machine. */
  cpuMsPerRequest: number;
}

/** CPU time a process has used, in ms (/proc/<pid>/stat utime + stime, at 100 ticks a second). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, B: 1 / 2 ** 20, KB: 1 / 1024, MB: 1, GB: 1024 };
const scaled = (text: string, pattern: RegExp) => {
  const match = pattern.exec(text);
  return match ? Number(match[1]) * (UNITS[match[2]] ?? 1) : NaN;
};

/** One wrk run (2 threads, keep-alive) against the server with this pid: throughput, latency and CPU per request. */
async function wrk(url: string, pid: number, connections: number, seconds: number): Promise<WrkResult> {
  const cpuBefore = cpuMs(pid);
  const { stdout } = await promisify(execFile)('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '30s', url]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requestsPerSecond: scaled(stdout, /Requests\/sec:\s+([\d.]+)()/),
    mbPerSecond: scaled(stdout, /Transfer\/sec:\s+([\d.]+)(\w+)/),
    p50Ms: scaled(stdout, /50%\s+([\d.]+)(\w+)/),
    p99Ms: scaled(stdout, /99%\s+([\d.]+)(\w+)/),
    failures:
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0) +
      (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
    cpuMsPerRequest: (cpuMs(pid) - cpuBefore) / Math.max(1, requests),
  };
}

/** The median over rounds: one slow round (another process waking up on a small machine) does not move it. */
const median = (runs: WrkResult[], pick: (r: WrkResult) => number) => {
  const values = runs.map(pick).sort((a, b) => a - b);
  const middle = Math.floor(values.length / 2);
  return values.length % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
};

/** A GET whose body is counted and dropped; resolves with the time to the first byte of the body. */
function fetchDropping(url: string): Promise<{ ttfbMs: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let ttfbMs = 0;
    let bytes = 0;
    get(url, { agent: false }, (res: IncomingMessage) => {
      res.on('data', (chunk: Buffer) => {
        if (!bytes) ttfbMs = Number(process.hrtime.bigint() - started) / 1e6;
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ ttfbMs, bytes, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Peak RSS growth of the gateway while STREAMS clients download a 20 MB file at once. */
async function rssDuring(pid: number, url: string): Promise<{ growthMb: number; beforeMb: number }> {
  const beforeMb = rssMb(pid);
  let peak = beforeMb;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 25);
  try {
    const answers = await Promise.all(Array.from({ length: STREAMS }, () => fetchDropping(url)));
    if (answers.some((a) => a.status !== 200 || a.bytes < LARGE * 0.95)) throw new Error(`a ${STREAMS}-stream download failed`);
  } finally {
    clearInterval(sampler);
  }
  return { growthMb: peak - beforeMb, beforeMb };
}

async function medianTtfb(url: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < TTFB_SAMPLES; i++) samples.push((await fetchDropping(url)).ttfbMs);
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

/** Tasks straight in the database, with the sim's blobs as results; the stored ones go through the copy queue. */
async function seedTasks(db: Client, sim: string): Promise<void> {
  const insert = (mjId: string, imageUrl: string) =>
    db.query(
      `INSERT INTO tasks (user_id, channel_id, mj_id, action, status, progress, image_url, submit_time, finish_time)
      VALUES (1, 1, $1, 'UPSCALE', 'SUCCESS', '100%', $2, $3, $3)`,
      [mjId, imageUrl, Date.now()],
    );
  await insert('1000000000000001', '');
  await insert('1000000000000002', `${sim}/sim/blob/${SMALL}.png`);
  await insert('1000000000000003', '');
  await insert('1000000000000004', `${sim}/sim/blob/${LARGE}.png`);
  // An update is what queues a copy (as the poller's move to SUCCESS does); inserts 2 and 4 stay upstream-only.
  await db.query(`UPDATE tasks SET image_url = $1 WHERE mj_id = '1000000000000001'`, [`${sim}/sim/blob/${SMALL}.png`]);
  await db.query(`UPDATE tasks SET image_url = $1 WHERE mj_id = '1000000000000003'`, [`${sim}/sim/blob/${LARGE}.png`]);
  for (let i = 0; i < 600; i++) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM media_archive WHERE state = 'done'`);
    if (Number(rows[0].n) === 2) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the gateway did not store the results within a minute');
}

async function signedLinks(gateway: RunningServer): Promise<Map<string, string>> {
  const login = await fetch(`${gateway.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
  const list = await fetch(`${gateway.baseUrl}/api/mj/?page_size=10`, { headers: { authorization: `Bearer ${token}` } });
  const items = ((await list.json()) as { data: { items: { mj_id: string; image_url: string }[] } }).data.items;
  return new Map(items.map((item) => [item.mj_id, item.image_url]));
}

interface Target {
  url: string;
  pid: number;
}

interface Pair {
  title: string;
  gateway: Target;
  baseline: Target;
  runs: { gateway: WrkResult[]; baseline: WrkResult[] };
  ttfb: { gateway: number; baseline: number };
}

/** Warm-up, then rounds alternating which server goes first (spreading the machine's drift over both), then TTFB. */
async function measure(pair: Pair, context: BenchContext): Promise<void> {
  for (const who of ['gateway', 'baseline'] as const) {
    const probe = await fetchDropping(pair[who].url);
    if (probe.status !== 200 || probe.bytes < SMALL * 0.95)
      throw new Error(`${pair.title}: the ${who} answered ${probe.status} with ${probe.bytes} bytes`);
    await wrk(pair[who].url, pair[who].pid, context.connections, WARMUP_SECONDS);
  }
  for (let round = 0; round < context.rounds; round++) {
    for (const who of round % 2 === 0 ? (['gateway', 'baseline'] as const) : (['baseline', 'gateway'] as const)) {
      const result = await wrk(pair[who].url, pair[who].pid, context.connections, context.durationSeconds);
      if (result.failures) throw new Error(`${pair.title}: the ${who} had ${result.failures} failed requests`);
      pair.runs[who].push(result);
      // Every round is shown: the figures are medians, and a round far from the others is worth seeing.
      context.log(
        `  ${who} round ${round + 1}: ${formatNumber(result.requestsPerSecond)} req/s, ${result.cpuMsPerRequest.toFixed(2)} CPU ms/req`,
      );
    }
  }
  pair.ttfb = { gateway: await medianTtfb(pair.gateway.url), baseline: await medianTtfb(pair.baseline.url) };
}

export const proxySuite: BenchSuite = {
  name: 'proxy',
  title: 'proxy: media through the gateway against plain Node servers',
  async run(context: BenchContext): Promise<SuiteResult> {
    const machine = await describeMachine(context.serverUrl);
    const url = databaseUrl(context.serverUrl, DATABASE);
    await createFreshDatabase(context.serverUrl, DATABASE);
    const workDir = mkdtempSync(join(tmpdir(), 'mj-bench-proxy-'));
    const servers: RunningServer[] = [];
    const db = new Client({ connectionString: url });
    let failed = true;
    const start = async (name: string, script: string, env: NodeJS.ProcessEnv, readyPath: string, args: string[] = []) => {
      const port = await freePort();
      const logFile = join(workDir, `${name}.log`);
      const server = await startServer({
        name,
        script,
        args: [...args, '--port', String(port)],
        env: { PATH: process.env.PATH, NODE_OPTIONS: SERVER_NODE_OPTIONS, SIM_PORT: String(port), PORT: String(port), ...env },
        port,
        readyPath,
        logFile,
      });
      servers.push(server);
      return server;
    };
    try {
      const sim = await start(
        'simulator',
        join(__dirname, '..', 'apps', 'mj-simulator', 'src', 'main.js'),
        { SIM_HOST: '127.0.0.1' },
        '/sim/health',
      );
      const gateway = await start(
        'gateway',
        join(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
        gatewayEnv({
          DATABASE_URL: url,
          DATA_DIR: workDir,
          ADMIN_USERNAME: ADMIN.username,
          ADMIN_PASSWORD: ADMIN.password,
          MEDIA_FETCH_ALLOWLIST: sim.baseUrl.slice('http://'.length),
          MEDIA_ARCHIVE_INTERVAL_MS: '200',
        }),
        '/api/health',
      );
      await db.connect();
      await seedTasks(db, sim.baseUrl);
      const links = await signedLinks(gateway);
      const { rows } = await db.query<{ store_key: string }>(
        `SELECT store_key FROM media_objects m JOIN tasks t ON t.id = m.task_id WHERE t.mj_id = '1000000000000001'`,
      );
      const script = join(__dirname, 'proxy.js');
      const staticServer = await start('static', script, {}, '/health', [
        '--baseline',
        'static',
        '--file',
        join(workDir, 'media', rows[0].store_key),
      ]);
      const passThrough = await start('pass-through', script, {}, '/health', [
        '--baseline',
        'pass-through',
        '--target',
        `${sim.baseUrl}/sim/blob/${SMALL}.png`,
      ]);
      context.log(
        `Gateway pid ${gateway.pid}, simulator ${sim.baseUrl}, static ${staticServer.baseUrl}, pass-through ${passThrough.baseUrl}`,
      );

      const pair = (title: string, mjId: string, baseline: RunningServer): Pair => ({
        title,
        gateway: { url: links.get(mjId)!, pid: gateway.pid },
        baseline: { url: `${baseline.baseUrl}/image.png`, pid: baseline.pid },
        runs: { gateway: [], baseline: [] },
        ttfb: { gateway: 0, baseline: 0 },
      });
      // BENCH_PROXY_SCENARIOS=b (letters, comma-separated) measures only those: for a quick look at a change.
      const only = process.env.BENCH_PROXY_SCENARIOS?.split(',').map((letter) => letter.trim());
      const pairs = [
        pair('(a) 2 MB image from the media store', '1000000000000001', staticServer),
        pair('(b) 2 MB image proxied from the upstream', '1000000000000002', passThrough),
      ].filter((p) => !only || only.some((letter) => p.title.startsWith(`(${letter})`)));
      for (const measured of pairs) {
        await measure(measured, context);
        context.log(
          `${measured.title}: gateway ${formatNumber(rate(measured, 'gateway'))} req/s, baseline ${formatNumber(rate(measured, 'baseline'))} req/s`,
        );
      }
      const rss = {
        store: await rssDuring(gateway.pid, links.get('1000000000000003')!),
        upstream: await rssDuring(gateway.pid, links.get('1000000000000004')!),
      };
      context.log(
        `RSS growth during ${STREAMS} × 20 MB: store +${rss.store.growthMb.toFixed(0)} MB, upstream +${rss.upstream.growthMb.toFixed(0)} MB`,
      );
      failed = false;
      return report(context, machineMarkdown(machine), pairs, rss);
    } finally {
      await db.end().catch(() => undefined);
      for (const server of servers.reverse()) await server.stop();
      await dropDatabase(context.serverUrl, DATABASE);
      if (failed) context.log(`Server logs kept in ${workDir}`);
      else rmSync(workDir, { recursive: true, force: true });
    }
  },
};

const rate = (pair: Pair, who: 'gateway' | 'baseline') => median(pair.runs[who], (r) => r.requestsPerSecond);
const cpu = (pair: Pair, who: 'gateway' | 'baseline') => median(pair.runs[who], (r) => r.cpuMsPerRequest);

function report(
  context: BenchContext,
  machine: string,
  pairs: Pair[],
  rss: Record<'store' | 'upstream', { growthMb: number; beforeMb: number }>,
): SuiteResult {
  const ms = (value: number) => formatNumber(value, value < 10 ? 2 : 0);
  const ratio = (pair: Pair) => rate(pair, 'gateway') / rate(pair, 'baseline');
  const efficiency = (pair: Pair) => cpu(pair, 'baseline') / cpu(pair, 'gateway');
  const rows = pairs.map((pair) => [
    pair.title,
    ...(['gateway', 'baseline'] as const).flatMap((who) => [
      formatNumber(rate(pair, who)),
      formatNumber(median(pair.runs[who], (r) => r.mbPerSecond)),
      ms(median(pair.runs[who], (r) => r.p50Ms)),
      ms(median(pair.runs[who], (r) => r.p99Ms)),
      ms(cpu(pair, who)),
    ]),
    `${ratio(pair).toFixed(2)}×`,
    `${efficiency(pair).toFixed(2)}×`,
    `${ms(pair.ttfb.gateway)} / ${ms(pair.ttfb.baseline)} (+${ms(pair.ttfb.gateway - pair.ttfb.baseline)})`,
  ]);
  const markdown = [
    machine,
    `- Load: wrk, 2 threads, ${context.connections} connections, ${context.durationSeconds} s per run after a ${WARMUP_SECONDS} s warm-up, ` +
      `${context.rounds} round(s) per server alternating which goes first (figures are the median over rounds); wrk and the servers share the machine's cores`,
    '- Gateway: `node dist/apps/api/src/main.js`, NODE_ENV=production, LOG_LEVEL=warn; every request is a signed link (a database lookup of the task ' +
      `and its stored object, the HMAC check, security headers). Every server runs with NODE_OPTIONS=${SERVER_NODE_OPTIONS} (as \`npm start\` and the ` +
      'Docker image run the gateway). Baselines: (a) node:http piping `fs.createReadStream` of the same stored file; ' +
      '(b) node:http piping `http.get` of the same simulator URL, without any check',
    '- CPU ms/req: the server process\'s own CPU time (user + system, /proc) over the requests it answered; "CPU efficiency" is baseline CPU / gateway CPU, ' +
      'the ratio least moved by other load on the machine',
    `- Time to first byte: median of ${TTFB_SAMPLES} sequential requests, gateway / baseline (+ overhead)`,
    '',
    markdownTable(
      [
        'Scenario',
        'Gateway req/s',
        'MB/s',
        'p50 ms',
        'p99 ms',
        'CPU ms/req',
        'Baseline req/s',
        'MB/s',
        'p50 ms',
        'p99 ms',
        'CPU ms/req',
        'Gateway / baseline',
        'CPU efficiency',
        'TTFB ms',
      ],
      rows,
    ),
    '',
    `Memory: gateway RSS while ${STREAMS} clients download a 20 MB image at once: from the store +${rss.store.growthMb.toFixed(0)} MB ` +
      `(from ${rss.store.beforeMb.toFixed(0)} MB), proxied from the upstream +${rss.upstream.growthMb.toFixed(0)} MB (from ${rss.upstream.beforeMb.toFixed(0)} MB); ` +
      'peak of /proc VmRSS sampled every 25 ms.',
  ].join('\n');
  return {
    markdown,
    targets: [
      ...pairs.flatMap((pair) => [
        { description: `${pair.title} at ≥ 0.9× the baseline's throughput: ${ratio(pair).toFixed(2)}×`, met: ratio(pair) >= 0.9 },
        {
          description: `${pair.title} at ≥ 0.8× the baseline's CPU efficiency: ${efficiency(pair).toFixed(2)}×`,
          met: efficiency(pair) >= 0.8,
        },
      ]),
      ...(['store', 'upstream'] as const).map((from) => ({
        description: `RSS during ${STREAMS} concurrent 20 MB streams (${from}) < +100 MB: +${rss[from].growthMb.toFixed(0)} MB`,
        met: rss[from].growthMb < 100,
      })),
    ],
  };
}

if (require.main === module) serveBaseline(process.argv.slice(2));
