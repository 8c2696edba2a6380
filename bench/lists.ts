import { mkdtempSync, rmSync } from 'node:fs';
import { progress } from '../scripts/lib/progress';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { seedDatabase } from '../scripts/seed/seed-database';
import { SEED_PASSWORD } from '../scripts/seed/users';
import { createFreshDatabase, databaseUrl, dropDatabase, seededSize } from './database';
import { countQuery, filterFromQuery, pageQuery, SqlQuery } from './list-queries';
import { LoadResult, LoadTarget, meanLoad, runLoad } from './load';
import { describeMachine, machineMarkdown } from './machine';
import { freePort, gatewayEnv, RunningServer, startServer } from './processes';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

const DATABASE = 'mj_bench_lists';
const SEED = { users: 1_000, tasks: 1_000_000, channels: 10 };
const POOL_SIZE = 10;
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
// Long enough for the JIT to settle: the first seconds of a cold gateway cost half again as much CPU per request.
const WARMUP_SECONDS = 5;
const DAY_S = 86_400;
/** The V8 flags `npm start` and the Docker image run the gateway with; the baseline gets the same, to compare like with like. */
const NODE_OPTIONS = '--max-semi-space-size=64';

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
  sqlMs: number;
  bytes: { gatewayBytes: number; baselineBytes: number };
}

/** The database to measure on: the kept one when it holds the full seed, otherwise a fresh one seeded now. */
async function prepareDatabase(context: BenchContext): Promise<{ url: string; seeded: string }> {
  const url = databaseUrl(context.serverUrl, DATABASE);
  const size = context.keep ? await seededSize(context.serverUrl, DATABASE) : null;
  if (size && size.tasks >= SEED.tasks && size.users >= SEED.users) {
    context.log(`Reusing ${DATABASE}: ${formatNumber(size.tasks)} tasks, ${formatNumber(size.users)} seeded users`);
    return { url, seeded: `reused from an earlier run (--keep)` };
  }
  await createFreshDatabase(context.serverUrl, DATABASE);
  context.log(`Seeding ${DATABASE}: ${formatNumber(SEED.tasks)} tasks, ${formatNumber(SEED.users)} users, ${SEED.channels} channels`);
  const report = await seedDatabase(url, SEED, (line) => context.log(`  ${line}`), process.stderr.isTTY ? progress() : undefined);
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

/** Both servers must list the same tasks: a benchmark of error pages or of different work is worthless. */
async function checkSameAnswer(
  key: string,
  gateway: LoadTarget,
  baseline: LoadTarget,
): Promise<{ gatewayBytes: number; baselineBytes: number }> {
  const [g, b] = await Promise.all([gateway, baseline].map((t) => fetch(t.url, { headers: t.headers })));
  const [gText, bText] = await Promise.all([g.text(), b.text()]);
  if (g.status !== 200 || b.status !== 200) throw new Error(`(${key}) answered ${g.status} / ${b.status}: ${gText.slice(0, 300)}`);
  const summary = (text: string) => {
    const { data } = JSON.parse(text) as ListAnswer;
    return JSON.stringify({ ids: data.items.map((item) => item.id), total: data.total, page: data.page, size: data.page_size });
  };
  if ((JSON.parse(gText) as ListAnswer).data.items.length === 0) throw new Error(`(${key}) the page is empty: it would measure nothing`);
  if (summary(gText) !== summary(bText)) {
    throw new Error(
      `(${key}) the baseline lists other tasks than the gateway: bench/list-queries.ts is out of step with task.repository.ts`,
    );
  }
  return { gatewayBytes: Buffer.byteLength(gText), baselineBytes: Buffer.byteLength(bText) };
}

export const listsSuite: BenchSuite = {
  name: 'lists',
  title: 'lists: the task lists against a plain node:http + pg baseline',
  async run(context: BenchContext): Promise<SuiteResult> {
    const machine = await describeMachine(context.serverUrl);
    const { url, seeded } = await prepareDatabase(context);
    const workDir = mkdtempSync(join(tmpdir(), 'mj-bench-lists-'));
    const servers: RunningServer[] = [];
    const db = new Client({ connectionString: url });
    let failed = true;
    try {
      await db.connect();
      const [gatewayPort, baselinePort] = [await freePort(), await freePort()];
      const gateway = await startServer({
        name: 'gateway',
        script: join(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
        env: gatewayEnv({
          PATH: process.env.PATH,
          NODE_OPTIONS,
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
      const baseline = await startServer({
        name: 'baseline',
        script: join(__dirname, 'baseline-server.js'),
        args: ['--port', String(baselinePort), '--database-url', url, '--pool', String(POOL_SIZE)],
        env: { PATH: process.env.PATH, NODE_ENV: 'production', NODE_OPTIONS },
        port: baselinePort,
        readyPath: '/health',
        logFile: join(workDir, 'baseline.log'),
      });
      servers.push(baseline);
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
        const bytes = await checkSameAnswer(scenario.key, gatewayTarget, baselineTarget);

        const params = new URLSearchParams(baselineQuery);
        const filter = filterFromQuery(params, !own);
        const pageSize = Number(params.get('page_size'));
        const total = Number((await db.query<{ n: string }>(countQuery(filter))).rows[0].n);
        const offset = (Number(params.get('p')) - 1) * pageSize;
        const sqlMs = await sqlMilliseconds(db, [countQuery(filter), pageQuery(filter, offset, pageSize, total)]);

        const load = { connections: context.connections, durationSeconds: context.durationSeconds };
        await runLoad(gatewayTarget, { ...load, durationSeconds: WARMUP_SECONDS });
        await runLoad(baselineTarget, { ...load, durationSeconds: WARMUP_SECONDS });
        const runs: { gateway: LoadResult[]; baseline: LoadResult[] } = { gateway: [], baseline: [] };
        for (let round = 0; round < context.rounds; round++) {
          // Alternating who goes first spreads the machine's drift over both servers.
          const order = round % 2 === 0 ? (['gateway', 'baseline'] as const) : (['baseline', 'gateway'] as const);
          for (const who of order) runs[who].push(await runLoad(who === 'gateway' ? gatewayTarget : baselineTarget, load));
        }
        const result = { scenario, gateway: meanLoad(runs.gateway), baseline: meanLoad(runs.baseline), sqlMs, bytes };
        for (const who of ['gateway', 'baseline'] as const) {
          if (result[who].failures > 0) {
            throw new Error(`(${scenario.key}) ${who}: ${result[who].failures} failed requests (${result[who].statusCodes})`);
          }
        }
        context.log(
          `(${scenario.key}) ${scenario.title}: gateway ${formatNumber(result.gateway.requestsPerSecond)} req/s ` +
            `(${result.gateway.cpuMsPerRequest.toFixed(2)} CPU ms/req), baseline ${formatNumber(result.baseline.requestsPerSecond)} req/s ` +
            `(${result.baseline.cpuMsPerRequest.toFixed(2)} CPU ms/req), SQL ${sqlMs.toFixed(2)} ms`,
        );
        measured.push(result);
      }
      failed = false;
      return report(context, machineMarkdown(machine), seeded, measured);
    } finally {
      await db.end().catch(() => undefined);
      for (const server of servers.reverse()) await server.stop();
      if (!context.keep) await dropDatabase(context.serverUrl, DATABASE);
      if (failed) context.log(`Server logs kept in ${workDir}`);
      else rmSync(workDir, { recursive: true, force: true });
    }
  },
};

function report(context: BenchContext, machine: string, seeded: string, measured: Measured[]): SuiteResult {
  const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : formatNumber(value, value < 10 ? 1 : 0));
  const cpu = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(2));
  const ratio = (m: Measured) => m.gateway.requestsPerSecond / m.baseline.requestsPerSecond;
  const rows = measured.map((m) => [
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
    m.sqlMs.toFixed(2),
    `${formatNumber(m.bytes.gatewayBytes)} / ${formatNumber(m.bytes.baselineBytes)}`,
  ]);
  const requests = measured.reduce((sum, m) => sum + m.gateway.requests + m.baseline.requests, 0);
  const byKey = (key: string) => measured.find((m) => m.scenario.key === key)!;
  const markdown = [
    machine,
    `- Data: ${formatNumber(SEED.tasks)} tasks, ${formatNumber(SEED.users)} users (skewed: user1 owns the most), ${SEED.channels} channels; ${seeded}`,
    `- Load: autocannon, ${context.connections} connections, pipelining 1, ${context.durationSeconds} s per run after a ${WARMUP_SECONDS} s warm-up, ` +
      `${context.rounds} round(s) per server alternating which goes first (figures are the mean); database pool ${POOL_SIZE} on both servers`,
    `- Gateway: \`node dist/apps/api/src/main.js\`, NODE_ENV=production, LOG_LEVEL=warn, JWT auth on every request; ` +
      `both servers run with NODE_OPTIONS=${NODE_OPTIONS} (as \`npm start\` and the Docker image run the gateway). ` +
      'Baseline: `bench/baseline-server.ts` (node:http + pg, the same SQL and the same fields, with the stored media URLs ' +
      'instead of signed links; no auth, validation or logging)',
    `- Every one of the ${formatNumber(requests)} responses was 2xx; before each scenario both servers were checked to list the same tasks and total`,
    '',
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
        'SQL ms',
        'Body bytes',
      ],
      rows,
    ),
    '',
    'Requests (the baseline gets the same query string, plus `user_id` for the user lists (a) and (f)):',
    '',
    ...measured.map((m) => `- (${m.scenario.key}) \`GET /api/mj/${m.scenario.route === 'self' ? 'self' : ''}?${m.scenario.query}\``),
    '',
    '"CPU ms/req": the server process\'s own CPU time per answered request (from /proc); other load on the machine ' +
      'moves it less than req/s, though not to nothing. "SQL ms": planning + execution of the count and page queries (median of 5 ' +
      '`EXPLAIN ANALYZE`), without round trips. "Body bytes": one answer, gateway / baseline.',
  ].join('\n');
  const a = byKey('a');
  const rate = (key: string) => byKey(key).gateway.requestsPerSecond;
  return {
    markdown,
    targets: [
      { description: `(a) user list at ≥ 0.7× the baseline: ${ratio(a).toFixed(2)}×`, met: ratio(a) >= 0.7 },
      { description: `(b) admin list, unfiltered, ≥ 1,000 req/s: ${formatNumber(rate('b'))}`, met: rate('b') >= 1000 },
      { description: `(c) admin list by channel ≥ 1,000 req/s: ${formatNumber(rate('c'))}`, met: rate('c') >= 1000 },
    ],
  };
}
