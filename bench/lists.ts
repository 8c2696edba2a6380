import { mkdtempSync, rmSync } from 'node:fs';
import { progress } from '../scripts/lib/progress';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { seedDatabase } from '../scripts/seed/seed-database';
import { SEED_PASSWORD } from '../scripts/seed/users';
import { createFreshDatabase, databaseUrl, dropDatabase, seededSize } from './database';
import { CountRow, filterFromQuery, oneTrip, pageWithTotalQuery, SqlQuery, twoTripPage } from './list-queries';
import { LoadResult, LoadTarget, meanLoad, runLoad, runPaced } from './load';
import { describeMachine, machineMarkdown } from './machine';
import { freePort, gatewayEnv, RunningServer, SERVER_NODE_OPTIONS, startServer } from './processes';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

interface Scale {
  label: string;
  database: string;
  seed: { users: number; tasks: number; channels: number };
}

/** Each scale has its own database, seeded once and reused with --keep (10M tasks: about 12 GB, seeded in 28 min here). */
const SCALES: Scale[] = [
  { label: '1M', database: 'mj_bench_lists', seed: { users: 1_000, tasks: 1_000_000, channels: 10 } },
  { label: '10M', database: 'mj_bench_lists_10m', seed: { users: 1_000, tasks: 10_000_000, channels: 10 } },
];
/** For a quick look at a change (BENCH_LISTS_SCALES=100k); a full run measures SCALES. */
const QUICK_SCALE: Scale = { label: '100k', database: 'mj_bench_lists_100k', seed: { users: 1_000, tasks: 100_000, channels: 10 } };
/** Every scenario at every scale, gateway req/s over the baseline's. */
const RATIO_TARGET = 0.9;
/**
 * At the largest scale, the gateway's median latency at the suite's connections, under an open load at a fixed rate:
 * at full speed, 50 clients each waiting for its answer see a p50 of about 50 ÷ throughput, a figure of the
 * machine's throughput rather than of any request's latency.
 */
const P50_TARGET_MS = 10;
/** The fixed rate of the latency runs: this share of the baseline's throughput, which both servers can keep up with. */
const LATENCY_RATE_SHARE = 0.5;
const POOL_SIZE = 10;
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
// Long enough for the JIT to settle: the first seconds of a cold gateway cost half again as much CPU per request.
const WARMUP_SECONDS = 5;
const DAY_S = 86_400;

interface Scenario {
  key: string;
  title: string;
  /** `self`: the caller's list (user token); `all`: the admin list. */
  route: 'self' | 'all';
  query: string;
}

interface Measured {
  scenario: Scenario;
  gateway: LoadResult;
  baseline: LoadResult;
  /** The baseline's work answered from a bare Nest + Fastify app (bench/nest-floor-server.ts): the framework's own cost. */
  floor: LoadResult;
  /** At the largest scale: both servers at one fixed rate (requests per second), for their latency. */
  latency?: { rate: number; gateway: LoadResult; baseline: LoadResult };
  sqlMs: number;
  bytes: { gatewayBytes: number; baselineBytes: number };
}

/** The database to measure on: the kept one when it holds the full seed, otherwise a fresh one seeded now. */
async function prepareDatabase(context: BenchContext, { database, seed }: Scale): Promise<{ url: string; seeded: string }> {
  const url = databaseUrl(context.serverUrl, database);
  const size = context.keep ? await seededSize(context.serverUrl, database) : null;
  if (size && size.tasks >= seed.tasks && size.users >= seed.users) {
    context.log(`Reusing ${database}: ${formatNumber(size.tasks)} tasks, ${formatNumber(size.users)} seeded users`);
    return { url, seeded: `reused from an earlier run (--keep)` };
  }
  await createFreshDatabase(context.serverUrl, database);
  context.log(`Seeding ${database}: ${formatNumber(seed.tasks)} tasks, ${formatNumber(seed.users)} users, ${seed.channels} channels`);
  const report = await seedDatabase(url, seed, (line) => context.log(`  ${line}`), process.stderr.isTTY ? progress() : undefined);
  return { url, seeded: `seeded in ${report.seconds.total.toFixed(1)} s (tasks ${report.seconds.tasks.toFixed(1)} s)` };
}

async function login(gateway: RunningServer, username: string, password: string): Promise<string> {
  const response = await fetch(`${gateway.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { data?: { access_token?: string }; message?: string };
  if (!response.ok || !body.data?.access_token) throw new Error(`login as ${username} failed: ${response.status} ${body.message}`);
  return body.data.access_token;
}

/** Median of a few EXPLAIN ANALYZE runs of the count and page queries: the database's share of one request. */
async function sqlMilliseconds(db: Client, queries: SqlQuery[]): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    let total = 0;
    for (const query of queries) {
      const { rows } = await db.query<{ 'QUERY PLAN': [{ 'Planning Time': number; 'Execution Time': number }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`,
        query.values,
      );
      total += rows[0]['QUERY PLAN'][0]['Planning Time'] + rows[0]['QUERY PLAN'][0]['Execution Time'];
    }
    runs.push(total);
  }
  return runs.sort((a, b) => a - b)[2];
}

interface ListAnswer {
  data: { items: { id: number }[]; total: number; page: number; page_size: number };
}

const MEDIA_FIELDS = new Set(['image_url', 'image_urls', 'video_url', 'video_urls']);

/**
 * Every server must list the same tasks: a benchmark of error pages or of different work is worthless. The Nest floor
 * runs the baseline's code inside the framework, so it must answer exactly what the baseline answers.
 */
async function checkSameAnswer(
  key: string,
  gateway: LoadTarget,
  baseline: LoadTarget,
  floor: LoadTarget,
): Promise<{ gatewayBytes: number; baselineBytes: number }> {
  const [g, b, f] = await Promise.all([gateway, baseline, floor].map((t) => fetch(t.url, { headers: t.headers })));
  const [gText, bText, fText] = await Promise.all([g.text(), b.text(), f.text()]);
  if (g.status !== 200 || b.status !== 200) throw new Error(`(${key}) answered ${g.status} / ${b.status}: ${gText.slice(0, 300)}`);
  if (fText !== bText) throw new Error(`(${key}) the Nest floor answers otherwise than the baseline: ${fText.slice(0, 200)}`);
  // Every field of every item alike, the media links aside (signed links there, the stored URLs here).
  const summary = (text: string) => {
    const { data } = JSON.parse(text) as ListAnswer;
    const items = data.items.map((item) =>
      Object.entries(item)
        .filter(([key]) => !MEDIA_FIELDS.has(key))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    const fields = Object.keys(data.items[0] ?? {}).sort();
    return JSON.stringify({ items, total: data.total, page: data.page, size: data.page_size, fields });
  };
  if ((JSON.parse(gText) as ListAnswer).data.items.length === 0) throw new Error(`(${key}) the page is empty: it would measure nothing`);
  if (summary(gText) !== summary(bText)) {
    throw new Error(
      `(${key}) the baseline answers other tasks or values than the gateway: bench/list-queries.ts or baseline-lists.ts is out of step with task.repository.ts or task.dto.ts`,
    );
  }
  return { gatewayBytes: Buffer.byteLength(gText), baselineBytes: Buffer.byteLength(bText) };
}

interface ScaleResult {
  scale: Scale;
  seeded: string;
  measured: Measured[];
}

export const listsSuite: BenchSuite = {
  name: 'lists',
  title: 'lists: the task lists against a plain node:http + pg baseline',
  async run(context: BenchContext): Promise<SuiteResult> {
    const machine = await describeMachine(context.serverUrl);
    const results: ScaleResult[] = [];
    // BENCH_LISTS_SCALES=1M (labels, comma-separated) measures only those: the 10M database takes a long time to seed.
    const only = process.env.BENCH_LISTS_SCALES?.split(',').map((label) => label.trim());
    const known = [QUICK_SCALE, ...SCALES];
    const scales = only ? known.filter((scale) => only.includes(scale.label)) : SCALES;
    if (!scales.length) throw new Error(`BENCH_LISTS_SCALES names none of ${known.map((scale) => scale.label).join(', ')}`);
    for (const scale of scales) {
      context.log(`-- ${scale.label} tasks`);
      results.push(await measureScale(context, scale, scale === scales[scales.length - 1]));
    }
    return report(context, machineMarkdown(machine), results);
  },
};

/**
 * Seeds (or reuses) the scale's database, starts both servers on it and measures every scenario: throughput, and
 * with `latency` also both servers' latency at one fixed rate.
 */
async function measureScale(context: BenchContext, scale: Scale, latency: boolean): Promise<ScaleResult> {
  const { url, seeded } = await prepareDatabase(context, scale);
  const workDir = mkdtempSync(join(tmpdir(), 'mj-bench-lists-'));
  const servers: RunningServer[] = [];
  const db = new Client({ connectionString: url });
  let failed = true;
  try {
    await db.connect();
    const [gatewayPort, baselinePort, floorPort] = [await freePort(), await freePort(), await freePort()];
    const gateway = await startServer({
      name: 'gateway',
      script: join(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
      env: gatewayEnv({
        PATH: process.env.PATH,
        NODE_OPTIONS: SERVER_NODE_OPTIONS,
        DATABASE_URL: url,
        PORT: String(gatewayPort),
        DB_POOL_MAX: String(POOL_SIZE),
        DATA_DIR: workDir,
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
      }),
      port: gatewayPort,
      readyPath: '/api/health',
      logFile: join(workDir, 'gateway.log'),
    });
    servers.push(gateway);
    // The baseline and the Nest floor: the same code and arguments, without and within the framework.
    const plainServer = async (name: string, script: string, port: number) => {
      const server = await startServer({
        name,
        script: join(__dirname, script),
        args: ['--port', String(port), '--database-url', url, '--pool', String(POOL_SIZE)],
        env: { PATH: process.env.PATH, NODE_ENV: 'production', NODE_OPTIONS: SERVER_NODE_OPTIONS },
        port,
        readyPath: '/health',
        logFile: join(workDir, `${name}.log`),
      });
      servers.push(server);
      return server;
    };
    const baseline = await plainServer('baseline', 'baseline-server.js', baselinePort);
    const floor = await plainServer('nest-floor', 'nest-floor-server.js', floorPort);
    context.log(`Gateway pid ${gateway.pid} on ${gateway.baseUrl}, baseline pid ${baseline.pid} on ${baseline.baseUrl}`);

    const adminToken = await login(gateway, ADMIN.username, ADMIN.password);
    const userToken = await login(gateway, 'user1', SEED_PASSWORD);
    const { rows } = await db.query<{ id: number; tasks: string; newest: string }>(
      `SELECT u.id, (SELECT coalesce(sum(n), 0) FROM task_counts_by_user c WHERE c.user_id = u.id) AS tasks,
          (SELECT max(submit_time) FROM tasks) AS newest FROM users u WHERE lower(username) = 'user1'`,
    );
    const user1 = rows[0];
    // A day in the middle of the history: the planner's pick for "newest first in a window" depends on where it is.
    const dayStart = Math.floor(Number(user1.newest) / 1000 / DAY_S) * DAY_S - 30 * DAY_S;
    const scenarios: Scenario[] = [
      { key: 'a', title: `user list (user1, ${formatNumber(Number(user1.tasks))} tasks)`, route: 'self', query: 'p=1&page_size=20' },
      { key: 'b', title: 'admin list, unfiltered', route: 'all', query: 'p=1&page_size=20' },
      { key: 'c', title: 'admin list, channel_id=3', route: 'all', query: 'p=1&page_size=20&channel_id=3' },
      {
        key: 'd',
        title: 'admin list, one day 30 days back',
        route: 'all',
        query: `p=1&page_size=20&start_timestamp=${dayStart}&end_timestamp=${dayStart + DAY_S - 1}`,
      },
      { key: 'e', title: 'admin list, page 1,000', route: 'all', query: 'p=1000&page_size=20' },
      { key: 'f', title: 'user list by a rare action (user1, SHORTEN)', route: 'self', query: 'p=1&page_size=20&action=SHORTEN' },
      {
        key: 'g',
        title: 'admin list, the last 30 days',
        route: 'all',
        query: `p=1&page_size=20&start_timestamp=${Math.floor(Number(user1.newest) / 1000) - 30 * DAY_S}`,
      },
    ];

    const measured: Measured[] = [];
    for (const scenario of scenarios) {
      const own = scenario.route === 'self';
      const gatewayTarget: LoadTarget = {
        url: `${gateway.baseUrl}/api/mj/${own ? 'self' : ''}?${scenario.query}`,
        headers: { authorization: `Bearer ${own ? userToken : adminToken}` },
        pid: gateway.pid,
      };
      const baselineQuery = own ? `${scenario.query}&user_id=${user1.id}` : scenario.query;
      const baselineTarget: LoadTarget = {
        url: `${baseline.baseUrl}/api/mj${own ? '/self' : ''}?${baselineQuery}`,
        pid: baseline.pid,
      };
      const floorTarget: LoadTarget = { url: baselineTarget.url.replace(baseline.baseUrl, floor.baseUrl), pid: floor.pid };
      const bytes = await checkSameAnswer(scenario.key, gatewayTarget, baselineTarget, floorTarget);

      const params = new URLSearchParams(baselineQuery);
      const filter = filterFromQuery(params, !own);
      const pageSize = Number(params.get('page_size'));
      const offset = (Number(params.get('p')) - 1) * pageSize;
      const count = async (query: SqlQuery) => (await db.query<CountRow>(query)).rows[0];
      const twoTrips = async () => {
        const { counts, page } = await twoTripPage(filter, offset, pageSize, count);
        return [...counts, ...(page ? [page] : [])];
      };
      const sqlMs = await sqlMilliseconds(db, oneTrip(filter, offset) ? [pageWithTotalQuery(filter, offset, pageSize)] : await twoTrips());

      const load = { connections: context.connections, durationSeconds: context.durationSeconds };
      await runLoad(gatewayTarget, { ...load, durationSeconds: WARMUP_SECONDS });
      await runLoad(baselineTarget, { ...load, durationSeconds: WARMUP_SECONDS });
      await runLoad(floorTarget, { ...load, durationSeconds: WARMUP_SECONDS });
      const targets = { gateway: gatewayTarget, baseline: baselineTarget, floor: floorTarget };
      const runs: Record<keyof typeof targets, LoadResult[]> = { gateway: [], baseline: [], floor: [] };
      const order = Object.keys(targets) as (keyof typeof targets)[];
      for (let round = 0; round < context.rounds; round++) {
        // Rotating who goes first spreads the machine's drift over the servers.
        for (let i = 0; i < order.length; i++) {
          const who = order[(round + i) % order.length];
          runs[who].push(await runLoad(targets[who], load));
        }
      }
      const result: Measured = {
        scenario,
        gateway: meanLoad(runs.gateway),
        baseline: meanLoad(runs.baseline),
        floor: meanLoad(runs.floor),
        sqlMs,
        bytes,
      };
      if (latency) {
        const rate = Math.max(1, Math.floor(result.baseline.requestsPerSecond * LATENCY_RATE_SHARE));
        const paced = { ...load, rate };
        result.latency = { rate, gateway: await runPaced(gatewayTarget, paced), baseline: await runPaced(baselineTarget, paced) };
      }
      for (const [who, run] of [
        ['gateway', result.gateway],
        ['baseline', result.baseline],
        ['Nest floor', result.floor],
        ['gateway at a fixed rate', result.latency?.gateway],
        ['baseline at a fixed rate', result.latency?.baseline],
      ] as const) {
        if (run && run.failures > 0) throw new Error(`(${scenario.key}) ${who}: ${run.failures} failed requests (${run.statusCodes})`);
      }
      context.log(
        `(${scenario.key}) ${scenario.title}: gateway ${formatNumber(result.gateway.requestsPerSecond)} req/s ` +
          `(${result.gateway.cpuMsPerRequest.toFixed(2)} CPU ms/req), baseline ${formatNumber(result.baseline.requestsPerSecond)} req/s ` +
          `(${result.baseline.cpuMsPerRequest.toFixed(2)} CPU ms/req), Nest floor ${formatNumber(result.floor.requestsPerSecond)} req/s ` +
          `(${result.floor.cpuMsPerRequest.toFixed(2)} CPU ms/req), SQL ${sqlMs.toFixed(2)} ms` +
          (result.latency
            ? `; at ${result.latency.rate} req/s p50 ${result.latency.gateway.p50Ms.toFixed(1)} ms / ${result.latency.baseline.p50Ms.toFixed(1)} ms`
            : ''),
      );
      measured.push(result);
    }
    failed = false;
    return { scale, seeded, measured };
  } finally {
    await db.end().catch(() => undefined);
    for (const server of servers.reverse()) await server.stop();
    if (!context.keep) await dropDatabase(context.serverUrl, scale.database);
    if (failed) context.log(`Server logs kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

function report(context: BenchContext, machine: string, results: ScaleResult[]): SuiteResult {
  const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : formatNumber(value, value < 10 ? 1 : 0));
  const cpu = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(2));
  const ratio = (m: Measured) => m.gateway.requestsPerSecond / m.baseline.requestsPerSecond;
  const floorRatio = (m: Measured) => m.floor.requestsPerSecond / m.baseline.requestsPerSecond;
  const table = (measured: Measured[]) =>
    markdownTable(
      [
        'Scenario',
        'Gateway req/s',
        'p50 ms',
        'p99 ms',
        'CPU ms/req',
        'Baseline req/s',
        'p50 ms',
        'p99 ms',
        'CPU ms/req',
        'Gateway / baseline',
        'Nest floor req/s',
        'CPU ms/req',
        'Floor / baseline',
        'SQL ms',
        'Body bytes',
      ],
      measured.map((m) => [
        `(${m.scenario.key}) ${m.scenario.title}`,
        formatNumber(m.gateway.requestsPerSecond),
        ms(m.gateway.p50Ms),
        ms(m.gateway.p99Ms),
        cpu(m.gateway.cpuMsPerRequest),
        formatNumber(m.baseline.requestsPerSecond),
        ms(m.baseline.p50Ms),
        ms(m.baseline.p99Ms),
        cpu(m.baseline.cpuMsPerRequest),
        `**${ratio(m).toFixed(2)}×**`,
        formatNumber(m.floor.requestsPerSecond),
        cpu(m.floor.cpuMsPerRequest),
        `${floorRatio(m).toFixed(2)}×`,
        m.sqlMs.toFixed(2),
        `${formatNumber(m.bytes.gatewayBytes)} / ${formatNumber(m.bytes.baselineBytes)}`,
      ]),
    );
  const latencyTable = (measured: Measured[]) =>
    markdownTable(
      ['Scenario', 'Rate req/s', 'Gateway p50 ms', 'p99 ms', 'Baseline p50 ms', 'p99 ms'],
      measured.map((m) => [
        `(${m.scenario.key})`,
        formatNumber(m.latency!.rate),
        ms(m.latency!.gateway.p50Ms),
        ms(m.latency!.gateway.p99Ms),
        ms(m.latency!.baseline.p50Ms),
        ms(m.latency!.baseline.p99Ms),
      ]),
    );
  const runs = (m: Measured) =>
    m.gateway.requests +
    m.baseline.requests +
    m.floor.requests +
    (m.latency ? m.latency.gateway.requests + m.latency.baseline.requests : 0);
  const requests = results.reduce((sum, r) => sum + r.measured.reduce((n, m) => n + runs(m), 0), 0);
  const scales = results.flatMap(({ scale, seeded, measured }) => [
    '',
    `### ${scale.label} tasks`,
    '',
    `- Data: ${formatNumber(scale.seed.tasks)} tasks, ${formatNumber(scale.seed.users)} users (skewed: user1 owns the most), ` +
      `${scale.seed.channels} channels; ${seeded}`,
    '',
    table(measured),
    '',
    'Requests (the baseline gets the same query string, plus `user_id` for the user lists (a) and (f)):',
    '',
    ...measured.map((m) => `- (${m.scenario.key}) \`GET /api/mj/${m.scenario.route === 'self' ? 'self' : ''}?${m.scenario.query}\``),
    ...(measured[0]?.latency
      ? [
          '',
          `Latency at a fixed rate: both servers, ${context.connections} connections, ${context.durationSeconds} s at ` +
            `${LATENCY_RATE_SHARE}× the baseline's throughput above, one request every 1/rate s, each latency counted from when it was due ` +
            '(`runPaced` in bench/load.ts):',
          '',
          latencyTable(measured),
        ]
      : []),
  ]);
  const markdown = [
    machine,
    `- Load: autocannon, ${context.connections} connections, pipelining 1, ${context.durationSeconds} s per run after a ${WARMUP_SECONDS} s warm-up, ` +
      `${context.rounds} round(s) per server rotating which goes first (figures are the mean); database pool ${POOL_SIZE} on every server`,
    `- Gateway: \`node dist/apps/api/src/main.js\`, NODE_ENV=production, LOG_LEVEL=warn, JWT auth on every request; ` +
      `both servers run with NODE_OPTIONS=${SERVER_NODE_OPTIONS} (as \`npm start\` and the Docker image run the gateway). ` +
      'Baseline: `bench/baseline-server.ts` with `bench/baseline-lists.ts` (node:http + pg, the same SQL and the same fields, with the stored media URLs ' +
      "instead of signed links; no auth, validation or logging). Nest floor: `bench/nest-floor-server.ts`, the baseline's " +
      "code (same SQL, same answer, checked byte for byte) in a bare Nest 11 app on Fastify, the gateway's HTTP stack: what the " +
      "framework alone costs, before any of the gateway's own work (auth, validation, signed links, security headers)",
    `- Every one of the ${formatNumber(requests)} responses was 2xx; before each scenario both servers were checked to answer the same tasks, total and fields, ` +
      'every value alike but the media links',
    '- "CPU ms/req": the server process\'s own CPU time per answered request (from /proc); other load on the machine ' +
      'moves it less than req/s, though not to nothing. "SQL ms": planning + execution of the statements of one request (the page with its total, or the count and then the page) (median of 5 ' +
      '`EXPLAIN ANALYZE`), without round trips. "Body bytes": one answer, gateway / baseline.',
    ...scales,
  ].join('\n');
  const largest = results[results.length - 1];
  return {
    markdown,
    targets: [
      ...results.flatMap(({ scale, measured }) =>
        measured.map((m) => ({
          description: `${scale.label}: (${m.scenario.key}) ${m.scenario.title} at ≥ ${RATIO_TARGET}× the baseline: ${ratio(m).toFixed(2)}× (Nest floor ${floorRatio(m).toFixed(2)}×)`,
          met: ratio(m) >= RATIO_TARGET,
        })),
      ),
      ...largest.measured.map((m) => ({
        description:
          `${largest.scale.label}: (${m.scenario.key}) p50 ≤ ${P50_TARGET_MS} ms at ${context.connections} connections, ` +
          `${formatNumber(m.latency!.rate)} req/s: ${ms(m.latency!.gateway.p50Ms)} ms (baseline ${ms(m.latency!.baseline.p50Ms)} ms; ` +
          `at full speed ${ms(m.gateway.p50Ms)} ms / ${ms(m.baseline.p50Ms)} ms)`,
        met: m.latency!.gateway.p50Ms <= P50_TARGET_MS,
      })),
    ],
  };
}
