import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { buildServer, GatewayProcess, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { until } from './upstream';

/**
 * An instance killed while it waits for the upstream's answer to a submit leaves a task with a hold and no upstream
 * id. Another instance gives it up by its deadline (here 4 s), long before the orphan delay (180 s by default):
 * the hold goes back, nothing is charged.
 */
describe('a gateway killed mid-submit', () => {
  let db: TestDatabase;
  let upstream: Server;
  let pg: Client;
  const gateways: GatewayProcess[] = [];
  jest.setTimeout(120000);

  beforeAll(async () => {
    buildServer();
    db = await createTestDatabase();
    // An upstream that takes the submit and never answers: the gateway is still waiting when it dies.
    upstream = createServer(() => undefined);
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await pg.end();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    await db.drop();
  });

  it('releases the held quota by the task deadline, not after the orphan delay', async () => {
    const env = {
      DATABASE_URL: db.url,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'orphans-admin-pw',
      JWT_SECRET: 'o'.repeat(40),
      TASK_DEADLINE_S: '4',
      POLL_INTERVAL_MS: '200',
      POLL_MAX_BACKOFF_MS: '30000',
      LOGIN_RATE_LIMIT: '1000',
    };
    const doomed = await startGatewayProcess({ ...env, POLLING_ENABLED: 'false' });
    gateways.push(doomed);
    const api = request(doomed.url);
    const admin = (await api.post('/api/auth/login').send({ username: 'admin', password: 'orphans-admin-pw' }).expect(200)).body.data
      .access_token;
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    await api.post('/api/channels').set('Authorization', `Bearer ${admin}`).send({ name: 'hangs', base_url: base }).expect(201);
    const user = await api
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'payer', password: 'password123', quota: 1_000_000 })
      .expect(201);
    const token = (await api.post('/api/auth/login').send({ username: 'payer', password: 'password123' })).body.data.access_token;
    const key = (await api.post('/api/tokens').set('Authorization', `Bearer ${token}`).send({ name: 'k' }).expect(201)).body.data.key;

    // The submit holds its price, then waits on the upstream; the instance is killed there.
    const submit = fetch(`${doomed.url}/mj/submit/imagine`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'mj-api-secret': key },
      body: JSON.stringify({ prompt: 'a fox' }),
    }).catch(() => undefined);
    const held = await until(async () => {
      const { rows } = await pg.query(`SELECT task_id FROM ledger_entries WHERE kind = 'hold' AND user_id = $1`, [user.body.data.id]);
      return rows[0]?.task_id as number | undefined;
    });
    const balance = async () => Number((await pg.query('SELECT quota FROM users WHERE id = $1', [user.body.data.id])).rows[0].quota);
    expect(await balance()).toBe(1_000_000 - 50_000);
    doomed.child.kill('SIGKILL');
    await submit;

    gateways.push(await startGatewayProcess(env));
    const released = await until(
      async () => {
        const { rows } = await pg.query(`SELECT kind, amount FROM ledger_entries WHERE task_id = $1 AND kind <> 'hold'`, [held]);
        return rows.length ? rows : undefined;
      },
      30000,
      200,
    );
    expect(released.map((row) => [row.kind, Number(row.amount)])).toEqual([['release', 50_000]]);
    expect(await balance()).toBe(1_000_000);
    const { rows } = await pg.query('SELECT status, fail_reason, quota FROM tasks WHERE id = $1', [held]);
    expect(rows[0]).toMatchObject({ status: 'FAILURE', fail_reason: 'The submit to the upstream never completed', quota: '0' });
  });
});
