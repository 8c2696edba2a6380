import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until } from './upstream';

describe('the dashboard figures (/api/mj/figures)', () => {
  let t: TestApp;
  let sim: TestChannel;
  let admin: string;
  let key: string;
  const alerts: { body: string; headers: IncomingHttpHeaders }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      alerts.push({ body, headers: req.headers });
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({
      env: {
        POLL_INTERVAL_MS: '100',
        POLL_MAX_BACKOFF_MS: '300',
        ALERT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        ALERT_SUCCESS_RATE: '0.9',
        ALERT_MIN_TASKS: '2',
        ALERT_CHECK_INTERVAL_MS: '200',
      },
    });
    sim = await addSimulatorChannel(t, { taskMs: 300, coreSize: 50 });
    admin = await t.adminToken();
    const alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
    await new Promise((resolve) => receiver.close(resolve));
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

  it("tells the operator, signed and once, when a channel's success rate over the last hour falls below the threshold", async () => {
    const low = await until(async () => alerts.find((a) => a.headers['x-mj-event'] === 'channel.success_rate_low'));
    const event = JSON.parse(low.body);
    expect(event).toMatchObject({
      event: 'channel.success_rate_low',
      channel: { id: sim.id },
      reason: expect.stringMatching(/succeeded in the last hour/),
    });
    expect(event.success_rate).toBeLessThan(0.9);
    const { signing_key: signingKey } = (await t.http.get('/api/channels/alerts').set('Authorization', `Bearer ${admin}`).expect(200)).body
      .data;
    const [, t0, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(low.headers['x-mj-signature']))!;
    expect(createHmac('sha256', Buffer.from(signingKey, 'hex')).update(`${t0}.${low.body}`).digest('hex')).toBe(v1);
    expect(alerts.filter((a) => a.headers['x-mj-event'] === 'channel.success_rate_low')).toHaveLength(1);
  });

  it('is for admins, and names a bad window', async () => {
    const alice = await t.login('alice', 'user-password-123');
    await t.http.get('/api/mj/figures').set('Authorization', `Bearer ${alice}`).expect(403);
    const bad = await t.http.get('/api/mj/figures?hours=0').set('Authorization', `Bearer ${admin}`).expect(400);
    expect(bad.body.message).toMatch(/hours must be an integer between 1 and 720/);
  });
});
