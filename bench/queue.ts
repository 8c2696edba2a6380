import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createFreshDatabase, databaseUrl, dropDatabase } from './database';
import { describeMachine, machineMarkdown } from './machine';
import { callJson as call, freePort, gatewayEnv, processCpuMs, RunningServer, startServer } from './processes';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

const DATABASE = 'mj_bench_queue';
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
const SECRET = 'bench-upstream-secret';
// The scenario; BENCH_QUEUE_TASKS / BENCH_QUEUE_TASK_MS shrink it for a quick look.
const TASKS = Number(process.env.BENCH_QUEUE_TASKS ?? 2000);
const TASK_MS = Number(process.env.BENCH_QUEUE_TASK_MS ?? 1000);
const USERS = 20;
const CHANNELS = 4;
const CORE = 3;
const QUEUE = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The gateway queue: TASKS imagines from USERS users, all at once, onto CHANNELS upstreams that each run CORE tasks
 * and queue QUEUE (midjourney-proxy's defaults) with TASK_MS tasks. Measures the time to drain against the ideal
 * (tasks ÷ running slots × task time), refusals, per-user completion spread, and the gateway's CPU per task.
 */
export const queueSuite: BenchSuite = {
  name: 'queue',
  title: `queue: ${formatNumber(TASKS)} submits from ${USERS} users onto ${CHANNELS} channels of capacity ${CORE}+${QUEUE}`,
  async run(context: BenchContext): Promise<SuiteResult> {
    await createFreshDatabase(context.serverUrl, DATABASE);
    const logs = mkdtempSync(join(tmpdir(), 'mj-bench-queue-'));
    const url = databaseUrl(context.serverUrl, DATABASE);
    const servers: RunningServer[] = [];
    try {
      const sims: RunningServer[] = [];
      for (let i = 0; i < CHANNELS; i++) {
        const port = await freePort();
        const sim = await startServer({
          name: `simulator-${i}`,
          script: 'dist/apps/mj-simulator/src/main.js',
          env: {
            ...process.env,
            SIM_PORT: String(port),
            SIM_SECRET: SECRET,
            SIM_TASK_MS: String(TASK_MS),
            SIM_CORE_SIZE: String(CORE),
            SIM_QUEUE_SIZE: String(QUEUE),
          },
          port,
          readyPath: '/sim/health',
          logFile: join(logs, `simulator-${i}.log`),
        });
        sims.push(sim);
        servers.push(sim);
      }
      const gatewayPort = await freePort();
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
            LOGIN_ADDRESS_RATE_LIMIT: '1000',
            POLLING_ENABLED: 'true',
            POLL_INTERVAL_MS: '250',
            POLL_MAX_BACKOFF_MS: '500',
            DISPATCH_INTERVAL_MS: '100',
            QUEUE_USER_CAP: '0',
            DB_POOL_MAX: '10',
          }),
        },
        port: gatewayPort,
        readyPath: '/api/health',
        logFile: join(logs, 'gateway.log'),
      });
      servers.push(gateway);
      const admin = (await call(gateway.baseUrl, '/api/auth/login', null, ADMIN)).data.access_token;
      for (const [i, sim] of sims.entries()) {
        await call(gateway.baseUrl, '/api/channels', admin, {
          name: `upstream ${i}`,
          base_url: sim.baseUrl,
          secret: SECRET,
          notify_enabled: true,
          max_running: CORE,
          max_queued: QUEUE,
        });
      }
      const keys: string[] = [];
      for (let i = 0; i < USERS; i++) {
        const username = `queue${i}`;
        await call(gateway.baseUrl, '/api/users', admin, { username, password: 'bench-password', quota: 5e12 });
        const user = (await call(gateway.baseUrl, '/api/auth/login', null, { username, password: 'bench-password' })).data.access_token;
        keys.push((await call(gateway.baseUrl, '/api/tokens', user, { name: 'bench' })).data.key);
      }

      const cpuBefore = processCpuMs(gateway.pid) ?? 0;
      const started = Date.now();
      const codes = new Map<number, number>();
      const perUser = TASKS / USERS;
      // Every user submits their share one after another, all users at once: a burst far past every upstream's room.
      await Promise.all(
        keys.map(async (key, u) => {
          for (let i = 0; i < perUser; i++) {
            const answer = await call(gateway.baseUrl, '/mj/submit/imagine', key, { prompt: `queue ${u} ${i}` });
            codes.set(answer.code, (codes.get(answer.code) ?? 0) + 1);
          }
        }),
      );
      const submittedMs = Date.now() - started;
      context.log(`queue: ${TASKS} submitted in ${submittedMs} ms (${JSON.stringify(Object.fromEntries(codes))}); draining`);
      const client = new Client({ connectionString: url });
      await client.connect();
      let finished: { user_id: number; status: string; finish_time: string }[] = [];
      try {
        for (;;) {
          const { rows } = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM tasks WHERE status NOT IN ('SUCCESS', 'FAILURE', 'CANCEL')`,
          );
          if (Number(rows[0].n) === 0) break;
          if (Date.now() - started > (TASKS / (CHANNELS * CORE)) * TASK_MS * 5 + 60_000) throw new Error('the queue did not drain');
          await sleep(200);
        }
        finished = (await client.query('SELECT user_id, status, finish_time FROM tasks')).rows;
      } finally {
        await client.end();
      }
      const drainMs = Math.max(...finished.map((row) => Number(row.finish_time))) - started;
      const cpuMs = (processCpuMs(gateway.pid) ?? 0) - cpuBefore;
      const idealMs = (TASKS / (CHANNELS * CORE)) * TASK_MS;
      const ratio = drainMs / idealMs;
      const refused = TASKS - (codes.get(1) ?? 0) - (codes.get(22) ?? 0);
      const succeeded = finished.filter((row) => row.status === 'SUCCESS').length;
      const lastByUser = new Map<number, number>();
      for (const row of finished)
        lastByUser.set(row.user_id, Math.max(lastByUser.get(row.user_id) ?? 0, Number(row.finish_time) - started));
      const spread = Math.max(...lastByUser.values()) / Math.min(...lastByUser.values());
      const cpuPerTask = cpuMs / TASKS;
      const machine = await describeMachine(context.serverUrl);
      const markdown = [
        machineMarkdown(machine),
        '',
        `${formatNumber(TASKS)} imagines from ${USERS} users (each submitting its ${perUser} one after another, all users at once) onto ` +
          `${CHANNELS} simulators that each run ${CORE} tasks and queue ${QUEUE} (\`max_running\` ${CORE}, \`max_queued\` ${QUEUE}), ` +
          `${formatNumber(TASK_MS)} ms per task; callbacks on, poll every 250 ms, dispatcher every 100 ms (and on every finish). ` +
          'Ideal drain: tasks ÷ running slots × task time. CPU: the gateway process over the whole run (submits, dispatch, polls, callbacks).',
        '',
        markdownTable(
          [
            'Submitted in',
            'Answers',
            'Refused',
            'SUCCESS',
            'Drained in',
            'Ideal',
            'Drain / ideal',
            'Slowest / fastest user',
            'Gateway CPU ms/task',
          ],
          [
            [
              `${formatNumber(submittedMs / 1000, 1)} s`,
              [...codes.entries()].map(([code, n]) => `${n} × code ${code}`).join(', '),
              String(refused),
              `${succeeded} / ${TASKS}`,
              `${formatNumber(drainMs / 1000, 1)} s`,
              `${formatNumber(idealMs / 1000, 1)} s`,
              `${formatNumber(ratio, 2)}×`,
              `${formatNumber(spread, 2)}×`,
              formatNumber(cpuPerTask, 2),
            ],
          ],
          2,
        ),
      ].join('\n');
      return {
        markdown,
        targets: [
          { description: `no submit refused: ${refused}`, met: refused === 0 },
          { description: `every task SUCCESS: ${succeeded} of ${TASKS}`, met: succeeded === TASKS },
          { description: `drain ≤ 1.2× the ideal: ${formatNumber(ratio, 2)}×`, met: ratio <= 1.2 },
        ],
      };
    } finally {
      for (const server of servers.reverse()) await server.stop();
      if (!context.keep) await dropDatabase(context.serverUrl, DATABASE);
    }
  },
};
