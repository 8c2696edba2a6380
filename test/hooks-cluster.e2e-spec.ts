import { createHash } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { startSimulator, SimulatorHandle } from '@app/mj-simulator';
import { buildServer, GatewayProcess, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { HookReceiver, ReceivedHook, signatureValid, startReceiver } from './receiver';
import { until } from './upstream';

const TASKS = Number(process.env.HOOKS_CLUSTER_TASKS ?? 1000);
const SEED = process.env.HOOKS_CLUSTER_SEED ?? 'hooks-17';
const FINAL = new Set(['SUCCESS', 'FAILURE', 'CANCEL']);

/**
 * The receiver fails 10% of calls at random: which ones is a hash of the seed and the call (task, state, attempt),
 * so a run can be replayed (HOOKS_CLUSTER_SEED) whatever order the calls arrive in.
 */
const failsAtRandom = (hook: Omit<ReceivedHook, 'answered'>) => {
  const draw = createHash('sha256')
    .update(`${SEED}|${hook.body.prompt}|${hook.body.status}|${hook.body.progress}|${hook.attempt}`)
    .digest();
  return draw.readUInt32BE(0) / 2 ** 32 < 0.1;
};

describe('callbacks from three gateway processes on one database', () => {
  let db: TestDatabase;
  let sim: SimulatorHandle;
  let receiver: HookReceiver;
  let env: Record<string, string>;
  const gateways: GatewayProcess[] = [];
  let admin: string;
  let key: { key: string; hook_secret: string };
  jest.setTimeout(240000);

  const sql = async <T>(text: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    buildServer();
    db = await createTestDatabase();
    receiver = await startReceiver();
    sim = await startSimulator({ port: 0, taskMs: 7000, coreSize: 5000, queueSize: 5000, secret: 'hooks' });
    env = {
      DATABASE_URL: db.url,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'hooks-admin-pw',
      JWT_SECRET: 'x'.repeat(40),
      POLL_INTERVAL_MS: '300',
      POLL_MAX_BACKOFF_MS: '600',
      LOGIN_RATE_LIMIT: '1000',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      DB_POOL_MAX: '8',
      // One user submits the 1,000 tasks: no per-user cap; the upstream takes them all (no capacity limit).
      QUEUE_USER_CAP: '0',
      MEDIA_ARCHIVE_ENABLED: 'false',
      HOOK_ALLOWLIST: `127.0.0.1:${receiver.port}`,
      HOOK_RETRY_SCHEDULE_S: '0.5,1,2,4,8',
      HOOK_SEND_INTERVAL_MS: '200',
      HOOK_TIMEOUT_MS: '3000',
    };
    for (let i = 0; i < 3; i++) gateways.push(await startGatewayProcess(env));
    const api = request(gateways[0].url);
    admin = (await api.post('/api/auth/login').send({ username: 'admin', password: 'hooks-admin-pw' }).expect(200)).body.data.access_token;
    await api
      .post('/api/channels')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'sim', base_url: sim.url, secret: 'hooks', max_running: 0 })
      .expect(201);
    await api
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'client', password: 'password123', quota: TASKS * 2 * 50000 })
      .expect(201);
    const token = (await api.post('/api/auth/login').send({ username: 'client', password: 'password123' })).body.data.access_token;
    key = (await api.post('/api/tokens').set('Authorization', `Bearer ${token}`).send({ name: 'k' }).expect(201)).body.data;
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await sim.close();
    await receiver.close();
    await db.drop();
  });

  it(`delivers ${TASKS} tasks' final events to a receiver failing 10% of calls: signed, in order, each attempt sent once`, async () => {
    console.log(`hooks cluster seed ${SEED} (HOOKS_CLUSTER_SEED replays it)`);
    receiver.respond = (hook) => (failsAtRandom(hook) ? 500 : 200);
    for (let i = 0; i < TASKS; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, TASKS - i) }, async (_, j) => {
          const gateway = gateways[(i + j) % gateways.length];
          await request(gateway.url)
            .post('/mj/submit/imagine')
            .set('mj-api-secret', key.key)
            .send({ prompt: `task ${i + j}`, notifyHook: `${receiver.url}/hook` })
            .expect(200);
        }),
      );
    }
    const finalDelivered = () => {
      const tasks = new Set<string>();
      for (const hook of receiver.received) if (hook.answered < 300 && FINAL.has(hook.body.status)) tasks.add(hook.body.id);
      return tasks;
    };
    await until(async () => finalDelivered().size === TASKS, 180000, 500);

    const received = receiver.received;
    // Every signature verifies.
    expect(received.filter((hook) => !signatureValid(key.hook_secret, hook.signature, hook.raw))).toEqual([]);
    // Three senders never send the same attempt of an event twice.
    const attempts = received.map((hook) => `${hook.eventId}#${hook.attempt}`);
    expect(attempts.length - new Set(attempts).size).toBe(0);
    // ≥ 99.9% of final events delivered within 3 attempts.
    const finals = received.filter((hook) => hook.answered < 300 && FINAL.has(hook.body.status));
    const withinThree = finals.filter((hook) => hook.attempt <= 3).length;
    console.log(`final events delivered within 3 attempts: ${withinThree}/${finals.length}; calls ${received.length}`);
    expect(withinThree / TASKS).toBeGreaterThanOrEqual(0.999);
    // Per task, the events arrive in order, each delivered once, the final one last.
    const byTask = new Map<string, ReceivedHook[]>();
    for (const hook of received.filter((h) => h.answered < 300)) byTask.set(hook.body.id, [...(byTask.get(hook.body.id) ?? []), hook]);
    expect(byTask.size).toBe(TASKS);
    for (const [id, hooks] of byTask) {
      const sequences = hooks.map((hook) => hook.body.sequence);
      expect([id, sequences]).toEqual([id, sequences.map((_, i) => i + 1)]);
      expect([id, FINAL.has(hooks[hooks.length - 1].body.status)]).toEqual([id, true]);
    }
    // At most one progress-only event per task per 5 s (HOOK_PROGRESS_MIN_INTERVAL_S's default), on the gateway's clock.
    const tooClose = await sql<{ task_id: number }>(
      `SELECT task_id FROM (
         SELECT task_id, task_status, created_at, lag(task_status) OVER w AS before_status, lag(created_at) OVER w AS before_at
         FROM hook_events WHERE task_id IS NOT NULL WINDOW w AS (PARTITION BY task_id ORDER BY seq)) e
       WHERE task_status = before_status AND created_at - before_at < 5000`,
    );
    expect(tooClose).toEqual([]);
  });

  it('a gateway SIGKILLed mid-delivery delivers after its restart (the claim runs out, the event is sent again)', async () => {
    await Promise.all(gateways.splice(1).map((g) => g.stop()));
    let hung: ReceivedHook | undefined;
    let killed = false;
    const hold = new Promise<number>(() => undefined);
    receiver.respond = (hook) => {
      if (hook.body.prompt !== 'kill me') return 200;
      if (!killed) {
        killed = true;
        hung = { ...hook, answered: 0 };
        gateways[0].child.kill('SIGKILL');
        return hold;
      }
      return 200;
    };
    await request(gateways[0].url)
      .post('/mj/submit/imagine')
      .set('mj-api-secret', key.key)
      .send({ prompt: 'kill me', notifyHook: `${receiver.url}/hook` })
      .expect(200);
    await until(async () => gateways[0].child.signalCode === 'SIGKILL', 20000);
    gateways[0] = await startGatewayProcess(env);
    const mine = () => receiver.received.filter((hook) => hook.body.prompt === 'kill me' && hook.answered === 200);
    await until(async () => mine().some((hook) => FINAL.has(hook.body.status)), 60000, 200);
    const again = mine().find((hook) => hook.eventId === hung!.eventId)!;
    expect(again.attempt).toBe(hung!.attempt + 1);
    expect(mine().map((hook) => hook.body.sequence)).toEqual(mine().map((_, i) => i + 1));
  });
});
