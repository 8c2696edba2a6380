import request from 'supertest';
import { startSimulator, SimulatorHandle } from '@app/mj-simulator';
import { buildServer, GatewayProcess, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { until } from './upstream';

describe('three gateway processes share one breaker state', () => {
  let db: TestDatabase;
  let flaky: SimulatorHandle;
  let steady: SimulatorHandle;
  const gateways: GatewayProcess[] = [];
  jest.setTimeout(240000);

  beforeAll(async () => {
    buildServer();
    db = await createTestDatabase();
    flaky = await startSimulator({ port: 0, taskMs: 60000, coreSize: 1000, faults: 'http500=1' });
    steady = await startSimulator({ port: 0, taskMs: 60000, coreSize: 1000 });
    const env = {
      DATABASE_URL: db.url,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'cluster-admin-pw',
      JWT_SECRET: 'x'.repeat(40),
      POLLING_ENABLED: 'false',
      LOGIN_RATE_LIMIT: '1000',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      DB_POOL_MAX: '4',
    };
    // One after the other: the first applies the migrations, the others find them done.
    for (let i = 0; i < 3; i++) gateways.push(await startGatewayProcess(env));
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await flaky.close();
    await steady.close();
    await db.drop();
  });

  it('counts the failures seen by every instance towards one threshold, and no instance sends new tasks to the open channel', async () => {
    const api = (i: number) => request(gateways[i % 3].url);
    const admin = (await api(0).post('/api/auth/login').send({ username: 'admin', password: 'cluster-admin-pw' }).expect(200)).body.data
      .access_token;
    const addChannel = async (name: string, sim: SimulatorHandle, priority: number) =>
      (
        await api(0)
          .post('/api/channels')
          .set('Authorization', `Bearer ${admin}`)
          .send({ name, base_url: sim.url, priority, breaker_failures: 4, breaker_cooldown_s: 3600, max_running: 0 })
          .expect(201)
      ).body.data.id as number;
    const flakyId = await addChannel('flaky', flaky, 10);
    await addChannel('steady', steady, 0);
    await api(0)
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'carol', password: 'password123', quota: 10_000_000 })
      .expect(201);
    const token = (await api(1).post('/api/auth/login').send({ username: 'carol', password: 'password123' }).expect(200)).body.data
      .access_token;
    const key = (await api(1).post('/api/tokens').set('Authorization', `Bearer ${token}`).send({ name: 'k' }).expect(201)).body.data.key;
    const submits = (sim: SimulatorHandle) => sim.stats().routes['POST /mj/submit/imagine']?.count ?? 0;
    const imagine = async (i: number) =>
      expect(
        (
          await api(i)
            .post('/mj/submit/imagine')
            .set('mj-api-secret', key)
            .send({ prompt: `cat ${i}` })
            .expect(200)
        ).body.code,
      ).toBe(1);
    const stateOn = async (i: number) =>
      (await api(i).get(`/api/channels/${flakyId}`).set('Authorization', `Bearer ${admin}`).expect(200)).body.data.state as string;

    // Four failures, spread over the three instances: none saw four itself, together they open the breaker.
    for (let i = 0; i < 4; i++) {
      expect(await stateOn(i)).toBe('closed');
      await imagine(i);
    }
    expect(submits(flaky)).toBe(4);
    for (let i = 0; i < 3; i++) expect(await stateOn(i)).toBe('open');

    // Each instance reuses its channel list for at most a second; after that every one of them passes the open channel by.
    await until(
      async () => {
        const before = submits(flaky);
        for (let i = 0; i < 3; i++) await imagine(i);
        return submits(flaky) === before;
      },
      10000,
      1100,
    );
    const before = submits(flaky);
    for (let i = 0; i < 6; i++) await imagine(i);
    expect(submits(flaky)).toBe(before);

    const events = (await api(2).get(`/api/channels/${flakyId}/events`).set('Authorization', `Bearer ${admin}`).expect(200)).body.data
      .items;
    expect(events.map((e: { from_state: string; to_state: string }) => `${e.from_state}>${e.to_state}`)).toEqual(['closed>open']);
  });
});
