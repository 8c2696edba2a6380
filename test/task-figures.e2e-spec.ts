import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until } from './upstream';

describe('the dashboard figures (/api/mj/figures)', () => {
  let t: TestApp;
  let sim: TestChannel;
  let admin: string;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300' } });
    sim = await addSimulatorChannel(t, { taskMs: 300, coreSize: 50 });
    admin = await t.adminToken();
    const alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
  });

  const figures = async (query = '') =>
    (await t.http.get(`/api/mj/figures${query}`).set('Authorization', `Bearer ${admin}`).expect(200)).body.data;

  it('answers success rate per channel and time to finish by action × mode, from the tasks', async () => {
    const submit = (path: string, prompt: string) => t.http.post(path).set('mj-api-secret', key).send({ prompt }).expect(200);
    await submit('/mj/submit/imagine', 'one');
    await submit('/mj/submit/imagine', 'two');
    await submit('/mj-relax/mj/submit/imagine', 'three');
    await submit('/mj/submit/imagine', 'four --sim-fail');
    const done = await until(async () => {
      const data = await figures();
      const channel = data.channels.find((c: { channel_id: number }) => c.channel_id === sim.id);
      return channel && channel.succeeded + channel.failed === 4 ? data : null;
    }, 20000);
    expect(done.channels).toEqual([{ channel_id: sim.id, succeeded: 3, failed: 1, success_rate: 0.75 }]);
    expect(done.timings.map((row: { action: string; mode: string; finished: number }) => [row.action, row.mode, row.finished])).toEqual([
      ['IMAGINE', 'fast', 2],
      ['IMAGINE', 'relax', 1],
    ]);
    for (const row of done.timings) expect(row.p95_s).toBeGreaterThanOrEqual(row.p50_s);
    expect(done.stuck).toBe(0);
    expect(typeof done.since).toBe('number');
  });

  it('is for admins, and names a bad window', async () => {
    const alice = await t.login('alice', 'user-password-123');
    await t.http.get('/api/mj/figures').set('Authorization', `Bearer ${alice}`).expect(403);
    const bad = await t.http.get('/api/mj/figures?hours=0').set('Authorization', `Bearer ${admin}`).expect(400);
    expect(bad.body.message).toMatch(/hours must be an integer between 1 and 720/);
  });
});
