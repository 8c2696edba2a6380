import request from 'supertest';
import { startSimulator, SimulatorHandle } from '@app/mj-simulator';
import { buildServer, GatewayProcess, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { until } from './upstream';

/** Deterministic randomness, so a failing run can be replayed from the printed seed. */
function rng(seed: number): () => number {
  return () => (seed = (seed * 16807) % 2147483647) / 2147483647;
}

const OUTCOMES: [string, number][] = [
  ['', 0.55],
  ['--sim-fail', 0.1],
  ['--sim-silent-fail', 0.05],
  ['--sim-banned-late', 0.05],
  ['--sim-lost', 0.08],
  ['--sim-hang', 0.05],
  ['--sim-banned', 0.05],
  ['--sim-queue-full', 0.02],
  ['--sim-dispatch-fail', 0.05],
];

describe('three gateway processes on one database, one killed mid-run', () => {
  let db: TestDatabase;
  let sim: SimulatorHandle;
  const gateways: GatewayProcess[] = [];
  jest.setTimeout(240000);

  beforeAll(async () => {
    buildServer();
    db = await createTestDatabase();
    sim = await startSimulator({ port: 0, taskMs: 2500, coreSize: 5000, queueSize: 5000, secret: 'cluster' });
    const env = {
      DATABASE_URL: db.url,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'cluster-admin-pw',
      JWT_SECRET: 'x'.repeat(40),
      POLL_INTERVAL_MS: '200',
      POLL_MAX_BACKOFF_MS: '600',
      POLL_REQUEST_TIMEOUT_MS: '2000',
      TASK_DEADLINE_S: '12',
      POLL_CLAIM_LIMIT: '300',
      LOGIN_RATE_LIMIT: '1000',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      DB_POOL_MAX: '8',
      // The upstream here takes everything at once; only its queue-full answers wait at the gateway, briefly.
      QUEUE_USER_CAP: '1000',
      QUEUE_DEADLINE_S: '10',
    };
    // Started one after the other: the first applies the migrations, the others find them done.
    for (let i = 0; i < 3; i++) gateways.push(await startGatewayProcess(env));
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await sim.close();
    await db.drop();
  });

  it('finishes 1,000 tasks, each refunded at most once, and the money adds up', async () => {
    const seed = Number(process.env.CLUSTER_SEED ?? Date.now() % 100000);
    console.log(`cluster test seed ${seed} (CLUSTER_SEED=${seed} replays it)`);
    const random = rng(seed);
    const api = request(gateways[0].url);
    const login = await api.post('/api/auth/login').send({ username: 'admin', password: 'cluster-admin-pw' }).expect(200);
    const admin = login.body.data.access_token;
    await api
      .post('/api/channels')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'sim', base_url: sim.url, secret: 'cluster', max_running: 5000, max_queued: 5000 })
      .expect(201);

    const users: { id: number; key: string; initial: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const initial = 300 * 50000;
      const user = await api
        .post('/api/users')
        .set('Authorization', `Bearer ${admin}`)
        .send({ username: `user${i}`, password: 'password123', quota: initial })
        .expect(201);
      const token = (await api.post('/api/auth/login').send({ username: `user${i}`, password: 'password123' })).body.data.access_token;
      const key = (await api.post('/api/tokens').set('Authorization', `Bearer ${token}`).send({ name: 'k' }).expect(201)).body.data.key;
      users.push({ id: user.body.data.id, key, initial });
    }

    let submitted = 0;
    const submitOne = async (i: number) => {
      let pick = random();
      const token = OUTCOMES.find(([, p]) => (pick -= p) < 0)?.[0] ?? '';
      const user = users[i % users.length];
      const live = gateways.filter((g) => !g.child.killed);
      const gateway = live[i % live.length];
      const res = await request(gateway.url)
        .post('/mj/submit/imagine')
        .set('mj-api-secret', user.key)
        .send({ prompt: `task ${i} ${token}` });
      expect([200]).toContain(res.status);
      submitted += 1;
    };
    for (let i = 0; i < 1000; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => submitOne(i + j)));
      if (i === 500) gateways[1].child.kill('SIGKILL');
    }
    expect(submitted).toBe(1000);

    const sql = async <T>(text: string, params: unknown[] = []) => {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as T[];
      } finally {
        await client.end();
      }
    };
    await until(
      async () => {
        const [{ n }] = await sql<{ n: string }>(`SELECT count(*) AS n FROM tasks WHERE status NOT IN ('SUCCESS', 'FAILURE', 'CANCEL')`);
        return Number(n) === 0;
      },
      120000,
      500,
    );

    const tasks = await sql<{ id: number; user_id: number; status: string; quota: string; prompt: string; fail_reason: string }>(
      'SELECT id, user_id, status, quota, prompt, fail_reason FROM tasks',
    );
    expect(tasks).toHaveLength(1000);
    const returns = await sql<{ task_id: number; n: string }>(
      `SELECT task_id, count(*) AS n FROM ledger_entries WHERE kind IN ('release', 'refund') GROUP BY task_id`,
    );
    const returned = new Map(returns.map((r) => [r.task_id, Number(r.n)]));
    for (const task of tasks) {
      expect(returned.get(task.id) ?? 0).toBeLessThanOrEqual(1);
      if (task.status === 'SUCCESS') {
        expect([task.prompt, returned.has(task.id), Number(task.quota)]).toEqual([task.prompt, false, 50000]);
      } else {
        expect([task.prompt, returned.get(task.id), Number(task.quota)]).toEqual([task.prompt, 1, 0]);
      }
    }
    const plain = tasks.filter((task) => /task \d+ $/.test(task.prompt));
    // A plain task succeeds; unless it waited in the gateway's queue (behind a queue-full one) and the killed process was
    // sending it: then it is released, never sent twice.
    const orphaned = (task: { status: string; fail_reason: string }) =>
      task.status === 'FAILURE' && task.fail_reason === 'The submit to the upstream never completed';
    expect(plain.filter((task) => task.status !== 'SUCCESS' && !orphaned(task))).toEqual([]);
    expect(plain.filter((task) => task.status === 'SUCCESS').length).toBeGreaterThan(plain.length * 0.9);

    for (const user of users) {
      const [{ quota }] = await sql<{ quota: string }>('SELECT quota FROM users WHERE id = $1', [user.id]);
      const charged = tasks.filter((task) => task.user_id === user.id).reduce((sum, task) => sum + Number(task.quota), 0);
      expect(Number(quota) + charged).toBe(user.initial);
    }
    expect(gateways[1].child.signalCode).toBe('SIGKILL');
  });
});
