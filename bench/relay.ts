import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFreshDatabase, databaseUrl, dropDatabase } from './database';
import { LoadResult, meanLoad, runLoad } from './load';
import { describeMachine, machineMarkdown } from './machine';
import { freePort, RunningServer, startServer } from './processes';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

const DATABASE = 'mj_bench_relay';
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
const SECRET = 'bench-upstream-secret';
const BODY = JSON.stringify({ prompt: 'a red fox in snow --ar 3:2 --v 6', state: 'bench' });

async function call(baseUrl: string, path: string, token: string | null, body?: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A user with quota for every submit the run can make, and their sk- key. */
async function prepareUser(gateway: RunningServer, simulatorUrl: string): Promise<string> {
  const admin = (await call(gateway.baseUrl, '/api/auth/login', null, ADMIN)).data.access_token;
  await call(gateway.baseUrl, '/api/channels', admin, { name: 'bench simulator', base_url: simulatorUrl, secret: SECRET });
  await call(gateway.baseUrl, '/api/users', admin, { username: 'bench', password: 'bench-password', quota: 5e12 });
  const user = (await call(gateway.baseUrl, '/api/auth/login', null, { username: 'bench', password: 'bench-password' })).data.access_token;
  return (await call(gateway.baseUrl, '/api/tokens', user, { name: 'bench' })).data.key;
}

export const relaySuite: BenchSuite = {
  name: 'relay',
  title: 'relay: imagine submits through the gateway vs the simulator called directly',
  async run(context: BenchContext): Promise<SuiteResult> {
    await createFreshDatabase(context.serverUrl, DATABASE);
    const logs = mkdtempSync(join(tmpdir(), 'mj-bench-relay-'));
    const [simPort, gatewayPort] = [await freePort(), await freePort()];
    const simulator = await startServer({
      name: 'simulator',
      script: 'dist/apps/mj-simulator/src/main.js',
      env: { ...process.env, SIM_PORT: String(simPort), SIM_SECRET: SECRET, SIM_TASK_MS: '3600000', SIM_CORE_SIZE: '1000000', SIM_QUEUE_SIZE: '1000000' },
      port: simPort,
      readyPath: '/sim/health',
      logFile: join(logs, 'simulator.log'),
    });
    const gateway = await startServer({
      name: 'gateway',
      script: 'dist/apps/api/src/main.js',
      env: {
        ...process.env, NODE_ENV: 'production', PORT: String(gatewayPort), DATABASE_URL: databaseUrl(context.serverUrl, DATABASE),
        JWT_SECRET: 'bench-secret-bench-secret-bench-secret-123', ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn', DEMO: '0', POLLING_ENABLED: 'false', MEDIA_ARCHIVE_ENABLED: 'false', LOGIN_RATE_LIMIT: '1000', LOGIN_ADDRESS_RATE_LIMIT: '1000', DB_POOL_MAX: '10',
      },
      port: gatewayPort,
      readyPath: '/api/health',
      logFile: join(logs, 'gateway.log'),
    });
    try {
      const key = await prepareUser(gateway, simulator.baseUrl);
      const targets = {
        gateway: { url: `${gateway.baseUrl}/mj/submit/imagine`, body: BODY, pid: gateway.pid, headers: { 'content-type': 'application/json', 'mj-api-secret': key } },
        simulator: { url: `${simulator.baseUrl}/mj/submit/imagine`, body: BODY, pid: simulator.pid, headers: { 'content-type': 'application/json', 'mj-api-secret': SECRET } },
      };
      const load = { connections: context.connections, durationSeconds: context.durationSeconds };
      const results: Record<'gateway' | 'simulator', LoadResult[]> = { gateway: [], simulator: [] };
      for (let round = 0; round < context.rounds; round++) {
        const order = round % 2 ? (['simulator', 'gateway'] as const) : (['gateway', 'simulator'] as const);
        for (const name of order) {
          const result = await runLoad(targets[name], load);
          if (result.failures) throw new Error(`${name}: ${result.failures} failed answers (${result.statusCodes})`);
          results[name].push(result);
          context.log(`  ${name}: ${formatNumber(result.requestsPerSecond)} submits/s, p99 ${result.p99Ms} ms`);
        }
      }
      const [g, s] = [meanLoad(results.gateway), meanLoad(results.simulator)];
      const row = (name: string, r: LoadResult) => [name, formatNumber(r.requestsPerSecond), formatNumber(r.p50Ms), formatNumber(r.p99Ms), formatNumber(r.cpuMsPerRequest, 2)];
      const machine = await describeMachine(context.serverUrl);
      const markdown = [
        machineMarkdown(machine),
        `- Load: autocannon, ${context.connections} connections, ${context.durationSeconds} s per run, ${context.rounds} round(s) alternating which goes first; every answer was HTTP 200`,
        '- Gateway: `POST /mj/submit/imagine` with an sk- key: key check, validation, channel choice, a hold on the balance and a task row in one transaction, the upstream call, then capture in a second transaction (polling off). Simulator: the same body sent straight to `midjourney-proxy` simulator (separate process, no database)',
        '',
        markdownTable(['Server', 'Submits/s', 'p50 ms', 'p99 ms', 'CPU ms/req'], [row('gateway (relay → simulator)', g), row('simulator alone', s)]),
        '',
        `Gateway / simulator throughput: **${(g.requestsPerSecond / s.requestsPerSecond).toFixed(2)}×**; added p99 latency ${formatNumber(g.p99Ms - s.p99Ms)} ms.`,
      ].join('\n');
      return { markdown, targets: [] };
    } finally {
      await gateway.stop();
      await simulator.stop();
      if (!context.keep) await dropDatabase(context.serverUrl, DATABASE);
    }
  },
};
