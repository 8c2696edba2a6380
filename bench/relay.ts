import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFreshDatabase, databaseUrl, dropDatabase } from './database';
import { LoadResult, meanLoad, runLoad } from './load';
import { describeMachine, machineMarkdown } from './machine';
import { callJson as call, freePort, gatewayEnv, RunningServer, startServer } from './processes';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

const DATABASE = 'mj_bench_relay';
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
const SECRET = 'bench-upstream-secret';
const BODY = JSON.stringify({ prompt: 'a red fox in snow --ar 3:2 --v 6', state: 'bench' });

const USERS = 50;

/** The channel, and `count` users with quota for every submit the run can make, each with an sk- key. */
async function prepare(gateway: RunningServer, simulatorUrl: string, count: number): Promise<{ channelId: number; keys: string[] }> {
  const admin = (await call(gateway.baseUrl, '/api/auth/login', null, ADMIN)).data.access_token;
  // No capacity limit (max_running 0): this suite measures the submit path itself, the queue suite the queue.
  const channel = (
    await call(gateway.baseUrl, '/api/channels', admin, { name: 'bench simulator', base_url: simulatorUrl, secret: SECRET, max_running: 0 })
  ).data;
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const username = `bench${i}`;
    await call(gateway.baseUrl, '/api/users', admin, { username, password: 'bench-password', quota: 5e12 });
    const user = (await call(gateway.baseUrl, '/api/auth/login', null, { username, password: 'bench-password' })).data.access_token;
    keys.push((await call(gateway.baseUrl, '/api/tokens', user, { name: 'bench' })).data.key);
  }
  return { channelId: channel.id, keys };
}

type Server = 'gateway' | 'baseline' | 'simulator';

export const relaySuite: BenchSuite = {
  name: 'relay',
  title: 'relay: imagine submits through the gateway vs a plain node:http + pg server doing the same statements',
  async run(context: BenchContext): Promise<SuiteResult> {
    await createFreshDatabase(context.serverUrl, DATABASE);
    const logs = mkdtempSync(join(tmpdir(), 'mj-bench-relay-'));
    const [simPort, gatewayPort, baselinePort] = [await freePort(), await freePort(), await freePort()];
    const url = databaseUrl(context.serverUrl, DATABASE);
    const simulator = await startServer({
      name: 'simulator',
      script: 'dist/apps/mj-simulator/src/main.js',
      env: {
        ...process.env,
        SIM_PORT: String(simPort),
        SIM_SECRET: SECRET,
        SIM_TASK_MS: '3600000',
        SIM_CORE_SIZE: '1000000',
        SIM_QUEUE_SIZE: '1000000',
      },
      port: simPort,
      readyPath: '/sim/health',
      logFile: join(logs, 'simulator.log'),
    });
    const gateway = await startServer({
      name: 'gateway',
      script: 'dist/apps/api/src/main.js',
      env: {
        ...process.env,
        ...gatewayEnv({
          PORT: String(gatewayPort),
          DATABASE_URL: url,
          ADMIN_USERNAME: ADMIN.username,
          ADMIN_PASSWORD: ADMIN.password,
          MEDIA_ARCHIVE_ENABLED: 'false',
          LOGIN_RATE_LIMIT: '1000',
          QUEUE_USER_CAP: '0',
          LOGIN_ADDRESS_RATE_LIMIT: '1000',
          DB_POOL_MAX: '10',
        }),
      },
      port: gatewayPort,
      readyPath: '/api/health',
      logFile: join(logs, 'gateway.log'),
    });
    let baseline: RunningServer | undefined;
    try {
      const { channelId, keys } = await prepare(gateway, simulator.baseUrl, USERS);
      baseline = await startServer({
        name: 'baseline',
        script: 'dist/bench/relay-baseline-server.js',
        args: [
          '--port',
          String(baselinePort),
          '--database-url',
          url,
          '--upstream',
          simulator.baseUrl,
          '--secret',
          SECRET,
          '--channel-id',
          String(channelId),
          '--pool',
          '10',
        ],
        env: { PATH: process.env.PATH },
        port: baselinePort,
        readyPath: '/health',
        logFile: join(logs, 'baseline.log'),
      });
      const servers: Record<Server, RunningServer> = { gateway, baseline, simulator };
      const target = (name: Server, many: boolean) => ({
        url: `${servers[name].baseUrl}/mj/submit/imagine`,
        body: BODY,
        pid: servers[name].pid,
        headers: { 'content-type': 'application/json', 'mj-api-secret': name === 'simulator' ? SECRET : keys[0] },
        rotate: many && name !== 'simulator' ? keys.map((key) => ({ 'mj-api-secret': key })) : undefined,
      });
      const load = { connections: context.connections, durationSeconds: context.durationSeconds };
      const scenarios = [
        { key: 'one', title: 'one user, one key', many: false, servers: ['gateway', 'baseline', 'simulator'] as Server[] },
        { key: 'many', title: `${USERS} users, a key each`, many: true, servers: ['gateway', 'baseline'] as Server[] },
      ];
      const results = new Map<string, LoadResult>();
      for (const scenario of scenarios) {
        const runs = new Map<Server, LoadResult[]>(scenario.servers.map((name) => [name, []]));
        for (let round = 0; round < context.rounds; round++) {
          const order = round % 2 ? [...scenario.servers].reverse() : scenario.servers;
          for (const name of order) {
            const result = await runLoad(target(name, scenario.many), load);
            if (result.failures) throw new Error(`${name}: ${result.failures} failed answers (${result.statusCodes})`);
            runs.get(name)!.push(result);
            context.log(
              `  ${scenario.key} ${name}: ${formatNumber(result.requestsPerSecond)} submits/s, ${formatNumber(result.cpuMsPerRequest, 2)} CPU ms, p99 ${result.p99Ms} ms`,
            );
          }
        }
        for (const [name, list] of runs) results.set(`${scenario.key}/${name}`, meanLoad(list));
      }
      const get = (key: string) => results.get(key)!;
      const ratio = (scenario: string) => get(`${scenario}/gateway`).requestsPerSecond / get(`${scenario}/baseline`).requestsPerSecond;
      const rows = scenarios.flatMap((scenario) =>
        scenario.servers.map((name) => {
          const r = get(`${scenario.key}/${name}`);
          return [
            scenario.title,
            name,
            formatNumber(r.requestsPerSecond),
            formatNumber(r.p50Ms),
            formatNumber(r.p99Ms),
            formatNumber(r.cpuMsPerRequest, 2),
            name === 'gateway' ? `**${ratio(scenario.key).toFixed(2)}×**` : '',
          ];
        }),
      );
      const machine = await describeMachine(context.serverUrl);
      const markdown = [
        machineMarkdown(machine),
        `- Load: autocannon, ${context.connections} connections, ${context.durationSeconds} s per run, ${context.rounds} round(s) alternating which goes first; every answer was HTTP 200`,
        '- Gateway: `POST /mj/submit/imagine` with an sk- key: key check, validation, channel choice, the task row and its hold in one round trip (two statements, one implicit transaction), ' +
          'the upstream call, the outcome and its capture in a second, the task event (polling off). Baseline: `bench/relay-baseline-server.ts`, ' +
          'node:http + pg + undici doing the same statements with nothing around them. Simulator: the same body sent straight to the ' +
          'midjourney-proxy simulator (no database). "Many users" rotates the requests over the users\' keys.',
        '',
        markdownTable(['Scenario', 'Server', 'Submits/s', 'p50 ms', 'p99 ms', 'CPU ms/submit', 'Gateway / baseline'], rows, 2),
      ].join('\n');
      const cpu = (scenario: string) => get(`${scenario}/gateway`).cpuMsPerRequest;
      return {
        markdown,
        targets: scenarios.flatMap((scenario) => [
          {
            description: `${scenario.title}: gateway ≥ 0.5× the baseline's submits/s: ${ratio(scenario.key).toFixed(2)}×`,
            met: ratio(scenario.key) >= 0.5,
          },
          {
            description: `${scenario.title}: ≤ 3 ms CPU per submit: ${formatNumber(cpu(scenario.key), 2)} ms`,
            met: cpu(scenario.key) <= 3,
          },
        ]),
      };
    } finally {
      await baseline?.stop();
      await gateway.stop();
      await simulator.stop();
      if (!context.keep) await dropDatabase(context.serverUrl, DATABASE);
    }
  },
};
