import request from 'supertest';
import { startSimulator, SimulatorHandle } from '@app/mj-simulator';
import { buildServer, GatewayProcess, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { until } from './upstream';

const PRICE = 50000;

describe('the gateway queue on three processes, one killed mid-run', () => {
  let db: TestDatabase;
  const sims: SimulatorHandle[] = [];
  const gateways: GatewayProcess[] = [];
  jest.setTimeout(240000);

  beforeAll(async () => {
    buildServer();
    db = await createTestDatabase();
    for (let i = 0; i < 2; i++) sims.push(await startSimulator({ port: 0, taskMs: 300, coreSize: 3, queueSize: 10, secret: 'q' }));
    const env = {
      DATABASE_URL: db.url,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'cluster-admin-pw',
      JWT_SECRET: 'y'.repeat(40),
      POLL_INTERVAL_MS: '100',
      POLL_MAX_BACKOFF_MS: '300',
      DISPATCH_INTERVAL_MS: '100',
      POLL_ORPHAN_AFTER_MS: '10000',
      LOGIN_RATE_LIMIT: '1000',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      DB_POOL_MAX: '6',
    };
    for (let i = 0; i < 3; i++) gateways.push(await startGatewayProcess(env));
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all(sims.map((sim) => sim.close()));
    await db.drop();
  });

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

  it('gives unique ids below 2^53 under parallel submits, sends no task twice, loses none, and the money adds up', async () => {
    const api = request(gateways[0].url);
    const admin = (await api.post('/api/auth/login').send({ username: 'admin', password: 'cluster-admin-pw' }).expect(200)).body.data
      .access_token;
    for (const sim of sims) {
      await api
        .post('/api/channels')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: `sim ${sim.port}`, base_url: sim.url, secret: 'q', max_running: 3, max_queued: 10 })
        .expect(201);
    }
    const users: { id: number; key: string; initial: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const initial = 200 * PRICE;
      const user = await api
        .post('/api/users')
        .set('Authorization', `Bearer ${admin}`)
        .send({ username: `user${i}`, password: 'password123', quota: initial })
        .expect(201);
      const token = (await api.post('/api/auth/login').send({ username: `user${i}`, password: 'password123' })).body.data.access_token;
      const key = (await api.post('/api/tokens').set('Authorization', `Bearer ${token}`).send({ name: 'k' }).expect(201)).body.data.key;
      users.push({ id: user.body.data.id, key, initial });
    }
    const submit = async (i: number) => {
      const live = gateways.filter((g) => !g.child.killed);
      const res = await request(live[i % live.length].url)
        .post('/mj/submit/imagine')
        .set('mj-api-secret', users[i % users.length].key)
        .send({ prompt: `task ${i}` });
      expect([res.status, [1, 22].includes(res.body.code)]).toEqual([200, true]);
      return res.body.result as string;
    };

    // 50 at once over three processes: 50 distinct ids, digits, below 2^53.
    const first = await Promise.all(Array.from({ length: 50 }, (_, i) => submit(i)));
    expect(new Set(first).size).toBe(50);
    for (const id of first) {
      expect(id).toMatch(/^\d+$/);
      expect(Number.isSafeInteger(Number(id))).toBe(true);
    }
    const ids = [...first];
    for (let i = 50; i < 200; i += 25) {
      ids.push(...(await Promise.all(Array.from({ length: 25 }, (_, j) => submit(i + j)))));
      if (i === 100) gateways[1].child.kill('SIGKILL');
    }
    expect(new Set(ids).size).toBe(200);

    await until(
      async () => {
        const [{ n }] = await sql<{ n: string }>(`SELECT count(*) AS n FROM tasks WHERE status NOT IN ('SUCCESS', 'FAILURE', 'CANCEL')`);
        return Number(n) === 0;
      },
      150000,
      500,
    );
    const tasks = await sql<{ id: number; user_id: number; status: string; quota: string; prompt: string; upstream_id: string }>(
      'SELECT id, user_id, status, quota, prompt, upstream_id FROM tasks',
    );
    expect(tasks).toHaveLength(200);
    // Never sent twice: every prompt reached the upstreams at most once.
    const upstreamPrompts = sims.flatMap((sim) => [...sim.tasks.values()].map((task) => task.prompt));
    expect(upstreamPrompts.length).toBe(new Set(upstreamPrompts).size);
    // None lost: SUCCESS, or (sent by the killed process and never recorded) released in full.
    const returns = await sql<{ task_id: number; n: string }>(
      `SELECT task_id, count(*) AS n FROM ledger_entries WHERE kind IN ('release', 'refund') GROUP BY task_id`,
    );
    const returned = new Map(returns.map((r) => [r.task_id, Number(r.n)]));
    for (const task of tasks) {
      if (task.status === 'SUCCESS') expect([task.prompt, returned.has(task.id), Number(task.quota)]).toEqual([task.prompt, false, PRICE]);
      else expect([task.prompt, task.status, returned.get(task.id), Number(task.quota)]).toEqual([task.prompt, 'FAILURE', 1, 0]);
    }
    expect(tasks.filter((task) => task.status === 'SUCCESS').length).toBeGreaterThanOrEqual(180);
    for (const user of users) {
      const [{ quota }] = await sql<{ quota: string }>('SELECT quota FROM users WHERE id = $1', [user.id]);
      const charged = tasks.filter((task) => task.user_id === user.id).reduce((sum, task) => sum + Number(task.quota), 0);
      expect(Number(quota) + charged).toBe(user.initial);
    }
    expect(gateways[1].child.signalCode).toBe('SIGKILL');
  });
});
