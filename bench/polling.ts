import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from 'pg';
import { request } from 'undici';
import { PollingService } from '@app/polling';
import { startSimulator, SimulatorHandle } from '@app/mj-simulator';
import { AppModule } from '../apps/api/src/app.module';
import { createFreshDatabase, databaseUrl, dropDatabase } from './database';
import { describeMachine, machineMarkdown } from './machine';
import { processCpuMs } from './processes';
import { formatNumber, markdownTable } from './report';
import type { BenchContext, BenchSuite, SuiteResult } from './suite';

const DATABASE = 'mj_bench_polling';
const CHANNELS = 10;
const TASKS_PER_CHANNEL = 1_000;
const BATCH = 100;
const CONCURRENCY = 8;
/** Rounds that start from the recorded state, so every task has moved on upstream: each pass changes all of them. */
const CHANGING_ROUNDS = 3;
/** Rounds after those, where the pass finds few changes. */
const STEADY_ROUNDS = 4;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

setFlagsFromString('--expose-gc');
/**
 * A full garbage collection of this process: each pass and each floor starts from a collected heap, so that neither
 * pays for what the other (or the setting up of a round) left (a full collection of this heap costs 100–150 ms, and
 * fell on one round or another at random).
 */
const collectGarbage = runInNewContext('gc') as () => void;

/** CPU time used so far, in ms: this process's (the pass, the simulators) and every PostgreSQL process's on this machine. */
interface Cpu {
  node: number;
  postgres: number;
}

function cpuNow(): Cpu {
  const usage = process.cpuUsage();
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) postgres += processCpuMs(Number(pid)) ?? 0;
    } catch {
      // The process ended meanwhile.
    }
  }
  return { node: (usage.user + usage.system) / 1000, postgres };
}

/** `work`, with its wall time and the CPU time used meanwhile. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpu: Cpu }> {
  const [started, before] = [performance.now(), cpuNow()];
  const value = await work();
  const [ms, after] = [performance.now() - started, cpuNow()];
  return { value, ms, cpu: { node: after.node - before.node, postgres: after.postgres - before.postgres } };
}

/**
 * BENCH_PASS_PROFILE_DIR=dir writes a V8 CPU profile of each timed pass there (open it in Chrome's DevTools). The
 * simulators answer in this process, so their work is in it too, as in the floor's calls.
 */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PASS_PROFILE_DIR;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

const formatCpu = (cpu: Cpu) => `${formatNumber(cpu.node)} + ${formatNumber(cpu.postgres)}`;

/** Counts the statements every pg client of this process sends while `work` runs. */
async function countStatements<T>(work: () => Promise<T>): Promise<{ value: T; statements: number }> {
  const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  let statements = 0;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    statements += 1;
    return original.apply(this, args);
  };
  try {
    return { value: await work(), statements };
  } finally {
    prototype.query = original;
  }
}

async function runLimited(jobs: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

/** 10,000 tasks running on 10 simulators, recorded in the database as the relay would have. */
async function prepare(url: string, sims: SimulatorHandle[]): Promise<{ ids: number[]; byChannel: Map<number, string[]> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const {
      rows: [user],
    } = await client.query(`INSERT INTO users (username, password_hash, quota) VALUES ('bench', 'x', 0) RETURNING id`);
    const byChannel = new Map<number, string[]>();
    for (const [i, sim] of sims.entries()) {
      const {
        rows: [channel],
      } = await client.query(`INSERT INTO channels (name, base_url) VALUES ($1, $2) RETURNING id`, [`sim ${i}`, sim.url]);
      const mjIds: string[] = [];
      await runLimited(
        Array.from({ length: TASKS_PER_CHANNEL }, (_, n) => async () => {
          const res = await request(`${sim.url}/mj/submit/imagine`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ prompt: `bench ${n}` }),
          });
          mjIds.push(((await res.body.json()) as { result: string }).result);
        }),
        32,
      );
      byChannel.set(channel.id, mjIds);
      await client.query(
        `INSERT INTO tasks (user_id, channel_id, mj_id, upstream_id, action, status, progress, submit_time, deadline_at)
         SELECT $1, $2, id, id, 'IMAGINE', 'NOT_START', '', $4::bigint, $4::bigint + 3600000 FROM unnest($3::text[]) AS id`,
        [user.id, channel.id, mjIds, Date.now()],
      );
    }
    await client.query('VACUUM ANALYZE tasks');
    const { rows } = await client.query<{ id: number }>('SELECT id FROM tasks');
    return { ids: rows.map((r) => r.id), byChannel };
  } finally {
    await client.end();
  }
}

/** What any poller must at least do: ask the upstreams for every id (same batches, same concurrency)… */
async function upstreamOnly(sims: SimulatorHandle[], byChannel: Map<number, string[]>): Promise<{ ms: number; cpu: Cpu }> {
  const channels = [...byChannel.entries()];
  const jobs = channels.flatMap(([, mjIds], i) =>
    Array.from({ length: Math.ceil(mjIds.length / BATCH) }, (_, b) => async () => {
      const res = await request(`${sims[i].url}/mj/task/list-by-condition`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: mjIds.slice(b * BATCH, (b + 1) * BATCH) }),
      });
      await res.body.json();
    }),
  );
  return measured(() => runLimited(jobs, CONCURRENCY));
}

/** The rows of the pass's tasks as they are now, kept in table `name` (the floor replays the pass's writes from them). */
async function snapshot(url: string, name: string, ids: number[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${name}`);
    await client.query(`CREATE TABLE ${name} AS SELECT * FROM tasks WHERE id = ANY($1)`, [ids]);
    await client.query(`ALTER TABLE ${name} ADD PRIMARY KEY (id)`);
    await client.query(`ANALYZE ${name}`);
  } finally {
    await client.end();
  }
}

/**
 * …and write the rows once, in one statement, with what the pass wrote: the rows the pass changed are put back as
 * they were before it (not timed), then one timed UPDATE writes every claimed row with its value after the pass. A
 * round without changes writes the same values again (the old floor's HOT update of an unindexed column); a round
 * that moved every task writes the same new statuses, progress and times the pass wrote, through the same indexes
 * and triggers.
 */
async function bulkUpdate(url: string, ids: number[]): Promise<{ ms: number; cpu: Cpu }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const assign = await assignment(client);
    await snapshot(url, 'bench_polling_after', ids);
    await client.query(
      `UPDATE tasks t SET ${assign('b')} FROM bench_polling_before b, bench_polling_after a
       WHERE t.id = b.id AND a.id = b.id AND ROW(a.*) IS DISTINCT FROM ROW(b.*)`,
    );
    await client.query('VACUUM tasks');
    return await measured(() =>
      client.query(`UPDATE tasks t SET ${assign('a')} FROM bench_polling_after a WHERE t.id = a.id AND t.id = ANY($1)`, [ids]),
    );
  } finally {
    await client.end();
  }
}

/** `(col, …) = (from.col, …)` over every written column of `tasks`. */
async function assignment(client: Client): Promise<(from: string) => string> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_name = 'tasks' AND table_schema = current_schema() AND column_name <> 'id' AND is_generated = 'NEVER'
     ORDER BY ordinal_position`,
  );
  const columns = rows.map((row) => `"${row.column_name}"`);
  return (from: string) => `(${columns.join(', ')}) = (${columns.map((column) => `${from}.${column}`).join(', ')})`;
}

/** Puts the tasks back as snapshot `name` holds them (untimed), and makes every one of them due. */
async function resetTasks(url: string, name: string | null): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    if (name) {
      const assign = await assignment(client);
      await client.query(`UPDATE tasks t SET ${assign('s')} FROM ${name} s WHERE t.id = s.id AND ROW(t.*) IS DISTINCT FROM ROW(s.*)`);
    }
    await client.query('UPDATE task_polls SET next_poll_at = 0, idle_polls = 0, missed_polls = 0');
    await client.query('VACUUM tasks');
  } finally {
    await client.end();
  }
}

export const pollingSuite: BenchSuite = {
  name: 'polling',
  title: 'polling: one pass over 10,000 active tasks on 10 channels',
  async run(context: BenchContext): Promise<SuiteResult> {
    await createFreshDatabase(context.serverUrl, DATABASE);
    const url = databaseUrl(context.serverUrl, DATABASE);
    const sims = await Promise.all(
      Array.from({ length: CHANNELS }, () => startSimulator({ port: 0, taskMs: 3_600_000, coreSize: 5_000, queueSize: 5_000 })),
    );
    Object.assign(process.env, {
      DATABASE_URL: url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'mj-bench-polling-')),
      LOG_LEVEL: 'silent',
      DEMO: '0',
      POLLING_ENABLED: 'false',
      MEDIA_ARCHIVE_ENABLED: 'false',
      POLL_CLAIM_LIMIT: '20000',
      POLL_CONCURRENCY: String(CONCURRENCY),
      POLL_BATCH_SIZE: String(BATCH),
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-123',
    });
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      context.log(`Recording ${formatNumber(CHANNELS * TASKS_PER_CHANNEL)} running tasks on ${CHANNELS} simulators`);
      const { ids, byChannel } = await prepare(url, sims);
      const orm = app.get(MikroORM);
      const polling = app.get(PollingService);
      const rows: string[][] = [];
      const ratios: number[] = [];
      await snapshot(url, 'bench_polling_recorded', ids);
      // One untimed pass and one untimed floor first, as a running gateway has made many: the first in a process
      // pays for compiling its code (round 1 used to take half again as long as rounds 2 and 3).
      await resetTasks(url, 'bench_polling_recorded');
      await RequestContext.create(orm.em, () => polling.pass());
      await upstreamOnly(sims, byChannel);
      for (let round = 1; round <= CHANGING_ROUNDS + STEADY_ROUNDS; round++) {
        await resetTasks(url, round <= CHANGING_ROUNDS ? 'bench_polling_recorded' : null);
        await snapshot(url, 'bench_polling_before', ids);
        collectGarbage();
        const {
          value: { value: report, statements },
          cpu,
        } = await measured(() =>
          countStatements(() => profiled(`pass-${round}`, () => RequestContext.create(orm.em, () => polling.pass()))),
        );
        collectGarbage();
        const { ms: upstream, cpu: upstreamCpu } = await upstreamOnly(sims, byChannel);
        const { ms: update, cpu: updateCpu } = await bulkUpdate(url, ids);
        const floor = upstream + update;
        const floorCpu = { node: upstreamCpu.node + updateCpu.node, postgres: upstreamCpu.postgres + updateCpu.postgres };
        ratios.push(report.durationMs / floor);
        rows.push([
          String(round),
          formatNumber(report.claimed),
          formatNumber(report.changed),
          formatNumber(report.durationMs),
          formatNumber(statements),
          formatNumber(upstream),
          formatNumber(update),
          `**${(report.durationMs / floor).toFixed(2)}×**`,
          formatCpu(cpu),
          formatCpu(floorCpu),
        ]);
        context.log(
          `  round ${round}: pass ${report.durationMs} ms (${statements} statements, CPU ${formatCpu(cpu)} ms), ` +
            `upstream ${upstream.toFixed(0)} ms + update ${update.toFixed(0)} ms (CPU ${formatCpu(floorCpu)} ms)`,
        );
      }
      const changing = median(ratios.slice(0, CHANGING_ROUNDS));
      const steady = median(ratios.slice(CHANGING_ROUNDS));
      const steadyRounds = `${CHANGING_ROUNDS + 1}–${CHANGING_ROUNDS + STEADY_ROUNDS}`;
      const machine = await describeMachine(context.serverUrl);
      const markdown = [
        machineMarkdown(machine),
        `- Data: ${formatNumber(ids.length)} tasks on ${CHANNELS} simulators (in this process), ${TASKS_PER_CHANNEL} each; every pass starts with all of them due`,
        `- Pass: \`PollingService.pass()\` (the due tasks of the poll buckets this instance holds, in one statement that writes only the bucket rows; list-by-condition in batches of ${BATCH}, ${CONCURRENCY} requests at once; state rules; the answers gathered into writes of up to 1,000 tasks, two writes at once, each one statement: the changed rows of \`tasks\`, and the next poll of the tasks whose schedule must move). After one untimed pass (the code compiled, as in a running gateway), rounds 1–${CHANGING_ROUNDS} each start from the tasks as recorded (put back, untimed), so every task has moved on upstream (NOT_START here, running there) and the pass writes all of them; rounds ${steadyRounds} find few changes`,
        `- Floor, measured right after each pass: the same ${ids.length / BATCH} list-by-condition calls with the same concurrency, plus one bulk UPDATE of the same ${formatNumber(ids.length)} rows ` +
          'writing what the pass wrote to them (the rows the pass changed are first put back as they were, untimed; a round without changes rewrites the rows unchanged, a HOT update). ' +
          "Before each pass and each floor UPDATE the table is vacuumed, so neither pays for the other's dead rows",
        "- CPU ms: this process (the pass or the floor's calls, and the simulators that answer them) + every PostgreSQL process on the machine, from /proc, over the pass and over the floor's two timed parts",
        '',
        markdownTable(
          [
            'Round',
            'Claimed',
            'Changed',
            'Pass ms',
            'Statements',
            'Upstream ms',
            'Bulk UPDATE ms',
            'Pass / floor',
            'Pass CPU ms',
            'Floor CPU ms',
          ],
          rows,
        ),
      ].join('\n');
      return {
        markdown,
        targets: [
          {
            description: `pass with few changes ≤ 1.3× (upstream answers + one bulk UPDATE), median of rounds ${steadyRounds}: ${steady.toFixed(2)}×`,
            met: steady <= 1.3,
          },
          {
            description: `pass that changes every task ≤ 1.3× the same floor, median of rounds 1–${CHANGING_ROUNDS}: ${changing.toFixed(2)}×`,
            met: changing <= 1.3,
          },
        ],
      };
    } finally {
      await app.close();
      await Promise.all(sims.map((sim) => sim.close()));
      if (!context.keep) await dropDatabase(context.serverUrl, DATABASE);
    }
  },
};
