import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { request } from 'undici';
import { type PolledTask, type TaskOutcome, TaskStore } from '@app/mj';
import { AppModule } from '../apps/api/src/app.module';
import { createFreshDatabase, databaseUrl, dropDatabase } from './database';
import { describeMachine, machineMarkdown } from './machine';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

const DATABASE = 'mj_bench_hooks';
const EVENTS = 10_000;
const BATCH = 100;
const CONCURRENCY = 64;
/** The steady round's pace: changes per second, well under what one instance delivers (its lag is the sender's own). */
const STEADY_PER_SECOND = 400;

/** The receiver, in its own process so the gateway's CPU time is the gateway's: answers 200, remembers when. */
const RECEIVER = `
const http = require('node:http');
const seen = [];
const server = http.createServer((req, res) => {
  if (req.method === 'GET') return res.end(JSON.stringify(seen));
  req.resume();
  req.on('end', () => { seen.push([req.headers['x-mj-event-id'], Date.now()]); res.end('ok'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function startReceiver(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** Tasks running upstream, each subscribed to the receiver, recorded as the relay would have. */
async function prepare(client: Client, receiverUrl: string): Promise<PolledTask[]> {
  const {
    rows: [user],
  } = await client.query(`INSERT INTO users (username, password_hash, quota) VALUES ('bench', 'x', 0) RETURNING id`);
  const {
    rows: [key],
  } = await client.query(
    `INSERT INTO api_keys (user_id, name, key_hash, key_prefix) VALUES ($1, 'bench', repeat('0', 64), 'sk-0') RETURNING id`,
    [user.id],
  );
  const now = Date.now();
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO tasks (user_id, api_key_id, channel_id, mj_id, upstream_id, action, status, progress, submit_time, deadline_at)
     SELECT $1, $2, 1, 'bench-' || n, 'bench-' || n, 'IMAGINE', 'NOT_START', '', $3::bigint, $3::bigint + 3600000
     FROM generate_series(1, $4::int) n RETURNING id`,
    [user.id, key.id, now, EVENTS],
  );
  await client.query(
    `INSERT INTO hook_subscriptions (task_id, user_id, api_key_id, url, base_url) SELECT id, $1, $2, $3, 'http://127.0.0.1:3000' FROM tasks`,
    [user.id, key.id, `${receiverUrl}/hook`],
  );
  await client.query('VACUUM ANALYZE tasks');
  await client.query('VACUUM ANALYZE hook_subscriptions');
  return rows.map(
    (row) => ({ id: row.id, userId: user.id, apiKeyId: key.id, mjId: '', status: 'NOT_START', progress: '' }) as unknown as PolledTask,
  );
}

/** One transition of every task through TaskStore (the poller's write path), in batches, and its callbacks delivered. */
async function round(
  store: TaskStore,
  client: Client,
  tasks: PolledTask[],
  to: { status: 'IN_PROGRESS' | 'SUCCESS'; progress: string },
  perSecond?: number,
): Promise<{ seconds: number; cpuMicros: number }> {
  const { rows: before } = await client.query<{ max: string | null }>('SELECT max(id) AS max FROM hook_events');
  const after = Number(before[0].max ?? 0);
  const cpu = process.cpuUsage();
  const started = Date.now();
  for (let i = 0; i < tasks.length; i += BATCH) {
    const outcomes: TaskOutcome[] = tasks.slice(i, i + BATCH).map((task) => ({
      task,
      changes: {
        status: to.status,
        progress: to.progress,
        startTime: started,
        ...(to.status === 'SUCCESS' ? { finishTime: Date.now() } : {}),
      },
      terminal: to.status === 'SUCCESS' ? 'SUCCESS' : null,
      nextPollAt: Date.now() + 3_600_000,
      idlePolls: 0,
      missedPolls: 0,
    }));
    await store.applyOutcomes(outcomes, Date.now());
    if (perSecond) {
      const due = started + ((i + BATCH) / perSecond) * 1000;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
  }
  for (;;) {
    const { rows } = await client.query<{ pending: string }>(
      `SELECT count(*) AS pending FROM hook_events WHERE id > $1 AND state = 'pending'`,
      [after],
    );
    if (Number(rows[0].pending) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (Date.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  for (const task of tasks) Object.assign(task, to);
  return { seconds, cpuMicros: used.user + used.system };
}

export const hooksSuite: BenchSuite = {
  name: 'hooks',
  title: 'hooks: 10,000 callback events to a local receiver',
  async run(context: BenchContext): Promise<SuiteResult> {
    await createFreshDatabase(context.serverUrl, DATABASE);
    const url = databaseUrl(context.serverUrl, DATABASE);
    const receiver = await startReceiver();
    Object.assign(process.env, {
      DATABASE_URL: url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'mj-bench-hooks-')),
      LOG_LEVEL: 'silent',
      DEMO: '0',
      POLLING_ENABLED: 'false',
      MEDIA_ARCHIVE_ENABLED: 'false',
      HOOK_ALLOWLIST: `127.0.0.1:${new URL(receiver.url).port}`,
      HOOK_PROGRESS_MIN_INTERVAL_S: '0',
      HOOK_CONCURRENCY: String(CONCURRENCY),
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-123',
    });
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      context.log(`Recording ${formatNumber(EVENTS)} tasks subscribed to a receiver`);
      const tasks = await prepare(client, receiver.url);
      const store = app.get(TaskStore);
      const rows: string[][] = [];
      const rates: number[] = [];
      let delivered = 0;
      const rounds: { name: string; to: { status: 'IN_PROGRESS' | 'SUCCESS'; progress: string }; perSecond?: number }[] = [
        { name: `burst: all ${formatNumber(EVENTS)} changes at once`, to: { status: 'IN_PROGRESS', progress: '0%' } },
        { name: `steady: ${STEADY_PER_SECOND} changes/s`, to: { status: 'SUCCESS', progress: '100%' }, perSecond: STEADY_PER_SECOND },
      ];
      for (const [n, { name, to, perSecond }] of rounds.entries()) {
        const before = Date.now();
        const result = await round(store, client, tasks, to, perSecond);
        const received = (await (await request(receiver.url)).body.json()) as [string, number][];
        const { rows: events } = await client.query<{ id: string; created_at: string; state: string }>(
          'SELECT id, created_at, state FROM hook_events WHERE created_at >= $1',
          [before],
        );
        const createdAt = new Map(events.map((e) => [e.id, Number(e.created_at)]));
        delivered += events.filter((e) => e.state === 'delivered').length;
        const lags = received
          .filter(([id]) => createdAt.has(id))
          .map(([id, at]) => at - createdAt.get(id)!)
          .sort((a, b) => a - b);
        const rate = events.length / result.seconds;
        rates.push(rate);
        rows.push([
          `${n + 1}. ${name}`,
          formatNumber(events.length),
          formatNumber(result.seconds, 2),
          formatNumber(rate),
          formatNumber(result.cpuMicros / events.length),
          formatNumber(percentile(lags, 50)),
          formatNumber(percentile(lags, 99)),
        ]);
        context.log(
          `  round ${n + 1}: ${events.length} events in ${result.seconds.toFixed(2)} s, p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms`,
        );
      }
      const machine = await describeMachine(context.serverUrl);
      const markdown = [
        machineMarkdown(machine),
        `- Data: ${formatNumber(EVENTS)} running tasks, each subscribed to one receiver (a plain node:http server in its own process, answering 200 at once)`,
        `- Load average (1, 5, 15 min) at the end, other work on the machine included: ${loadavg()
          .map((n) => n.toFixed(1))
          .join(', ')}`,
        `- A round moves every task one step through \`TaskStore.applyOutcomes\` (the poller's write path: one UPDATE per ${BATCH} tasks, its events written by the same statement), at once (burst: throughput and the queue it drains) or paced (steady: the lag a change sees when the senders keep up), then waits until every event is delivered. The senders (one instance, ${CONCURRENCY} deliveries at once, claims with SKIP LOCKED) start on the first change`,
        '- Events/s: events ÷ (first change → last delivery). CPU/event: the gateway process (user + system, PostgreSQL and the receiver not included) over the round, the task writes included. Lag: the task change (the event row) → the receiver got it',
        '',
        markdownTable(['Round', 'Events', 'Seconds', 'Events/s', 'CPU µs/event', 'Lag p50 ms', 'Lag p99 ms'], rows),
      ].join('\n');
      return {
        markdown,
        targets: [
          {
            description: `every event delivered: ${formatNumber(delivered)} of ${formatNumber(EVENTS * 2)}`,
            met: delivered === EVENTS * 2,
          },
        ],
      };
    } finally {
      await client.end();
      await app.close();
      receiver.stop();
      if (!context.keep) await dropDatabase(context.serverUrl, DATABASE);
    }
  },
};
