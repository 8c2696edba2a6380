import { createHmac } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until } from './upstream';

interface Alert {
  event: string;
  channel: { id: number; name: string };
  from: string;
  to: string;
  reason: string;
  signature: string;
  body: string;
}

/** A local receiver of operator alerts. */
async function startReceiver(): Promise<{ url: string; alerts: Alert[]; close(): Promise<void> }> {
  const alerts: Alert[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      alerts.push({ ...JSON.parse(body), signature: String(req.headers['x-mj-signature'] ?? ''), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    alerts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('channels that heal themselves: breaker, capabilities, speed modes, alerts', () => {
  let t: TestApp;
  let admin: string;
  let alice: { id: number; token: string };
  let key: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const sims: TestChannel[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp({
      env: {
        POLLING_ENABLED: 'false',
        ALERT_WEBHOOK_URL: receiver.url,
        CHANNEL_HEALTH_INTERVAL_MS: '200',
        ALERT_QUEUE_WAIT_S: '1',
        ALERT_CHECK_INTERVAL_MS: '200',
      },
    });
    admin = await t.adminToken();
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(sims.map((s) => s.sim.close()));
    await receiver.close();
  });

  const asAdmin = <T extends { set(name: string, value: string): T }>(req: T) => req.set('Authorization', `Bearer ${admin}`);
  const channel = async (id: number) => (await asAdmin(t.http.get(`/api/channels/${id}`)).expect(200)).body.data;
  const listed = async (id: number) =>
    ((await asAdmin(t.http.get('/api/channels')).expect(200)).body.data.items as { id: number }[]).find((c) => c.id === id) as Record<
      string,
      unknown
    >;
  const patch = (id: number, body: object) =>
    asAdmin(t.http.patch(`/api/channels/${id}`))
      .send(body)
      .expect(200);
  const add = async (options: Parameters<typeof addSimulatorChannel>[1], settings: object = {}) => {
    const added = await addSimulatorChannel(t, { taskMs: 60000, coreSize: 1000, ...options });
    sims.push(added);
    if (Object.keys(settings).length) await patch(added.id, settings);
    return added;
  };
  /** Only these channels take new tasks: the others of earlier tests are switched off. */
  const only = async (...keep: TestChannel[]) => {
    for (const s of sims) if (!keep.includes(s)) await patch(s.id, { enabled: false });
  };
  const submits = (s: TestChannel, route = 'imagine') => s.sim.stats().routes[`POST /mj/submit/${route}`]?.count ?? 0;
  const imagine = (prompt: string, prefix = '') => t.http.post(`${prefix}/mj/submit/imagine`).set('mj-api-secret', key).send({ prompt });
  const balance = async () => Number((await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [alice.id]))[0].quota);
  const events = async (id: number) =>
    ((await asAdmin(t.http.get(`/api/channels/${id}/events`)).expect(200)).body.data.items as { from_state: string; to_state: string }[])
      .map((e) => `${e.from_state}>${e.to_state}`)
      .reverse();

  it('a new channel is closed and can do everything; its breaker settings have defaults', async () => {
    const a = await add({ name: 'fresh' });
    expect(await channel(a.id)).toMatchObject({
      state: 'closed',
      state_reason: '',
      breaker_failures: 5,
      breaker_window_s: 60,
      breaker_cooldown_s: 120,
      min_gap_ms: 0,
      daily_cap: 0,
      capabilities: {
        actions: expect.arrayContaining(['imagine', 'video', 'face_swap', 'upload']),
        modes: ['fast', 'relax', 'turbo'],
        bots: ['mj', 'niji'],
        image_urls: true,
      },
    });
    const bad = await asAdmin(t.http.patch(`/api/channels/${a.id}`)).send({ capabilities: { actions: ['imagine', 'teleport'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/capabilities\.actions/);
    const zero = await asAdmin(t.http.patch(`/api/channels/${a.id}`)).send({ breaker_failures: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.message).toMatch(/breaker_failures/);
  });

  it('opens a failing channel within its threshold, sends new tasks to the other, and closes it by a probe once healed', async () => {
    const flaky = await add({ name: 'flaky', priority: 10 }, { breaker_failures: 3, breaker_window_s: 60, breaker_cooldown_s: 1 });
    const steady = await add({ name: 'steady', priority: 0 });
    await only(flaky, steady);
    expect((await imagine('before the fault').expect(200)).body.code).toBe(1);
    expect(submits(flaky)).toBe(1);
    expect(submits(steady)).toBe(0);

    flaky.sim.setFaults('http500=1');
    for (let i = 0; i < 3; i++) expect((await imagine(`during the fault ${i}`).expect(200)).body.code).toBe(1);
    expect(submits(flaky)).toBe(4);
    expect(submits(steady)).toBe(3);
    const opened = await listed(flaky.id);
    expect(['open', 'half_open']).toContain(opened.state);
    expect(opened.state_reason).toMatch(/3 failures within 60 s|probe failed/);
    expect(typeof opened.state_since).toBe('number');

    // While it rests, no new task goes there (probes are not submits).
    for (let i = 0; i < 3; i++) expect((await imagine(`while open ${i}`).expect(200)).body.code).toBe(1);
    expect(submits(flaky)).toBe(4);
    expect(submits(steady)).toBe(6);

    flaky.sim.setFaults('');
    await until(async () => (await channel(flaky.id)).state === 'closed', 15000);
    expect((await channel(flaky.id)).state_reason).toBe('probe succeeded');
    expect(await events(flaky.id)).toEqual(expect.arrayContaining(['closed>open', 'open>half_open', 'half_open>closed']));
    expect((await imagine('healed').expect(200)).body.code).toBe(1);
    expect(submits(flaky)).toBe(5);

    // The operator heard about it, signed.
    const { signing_key: signingKey } = (await asAdmin(t.http.get('/api/channels/alerts')).expect(200)).body.data;
    const opening = await until(async () => receiver.alerts.find((a) => a.event === 'breaker.opened' && a.channel.id === flaky.id));
    await until(async () => receiver.alerts.find((a) => a.event === 'breaker.closed' && a.channel.id === flaky.id));
    const [, t0, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(opening.signature)!;
    expect(createHmac('sha256', Buffer.from(signingKey, 'hex')).update(`${t0}.${opening.body}`).digest('hex')).toBe(v1);
    expect(opening).toMatchObject({ from: 'closed', to: 'open', channel: { name: 'flaky' } });
  });

  it("counts the upstream's account refusals (code 3) but never a user's bad request", async () => {
    const pool = await add({ name: 'pool', priority: 10 }, { breaker_failures: 2, breaker_cooldown_s: 3600 });
    const spare = await add({ name: 'spare', priority: 0 });
    await only(pool, spare);
    pool.sim.setModes(['banned']);
    for (let i = 0; i < 3; i++) expect((await imagine(`a bad word ${i}`).expect(200)).body.code).toBe(24);
    expect((await channel(pool.id)).state).toBe('closed');
    pool.sim.setModes(['no-account']);
    for (let i = 0; i < 2; i++) expect((await imagine(`no account ${i}`).expect(200)).body.code).toBe(1);
    expect(await channel(pool.id)).toMatchObject({ state: 'open', state_reason: expect.stringMatching(/code 3/) });
    // An admin's channel test is a probe too: the upstream still has no account for submits, but it answers.
    pool.sim.setModes([]);
    await asAdmin(t.http.post(`/api/channels/${pool.id}/test`)).expect(200);
    expect((await channel(pool.id)).state).toBe('closed');
  });

  it('disables a channel whose upstream refuses our secret, with the reason, and fails the task over', async () => {
    const locked = await add({ name: 'locked', priority: 10, secret: 'right-secret' });
    const open = await add({ name: 'open', priority: 0 });
    await only(locked, open);
    await patch(locked.id, { secret: 'wrong-secret' });
    expect((await imagine('wrong secret').expect(200)).body.code).toBe(1);
    expect(submits(open)).toBe(1);
    expect(await listed(locked.id)).toMatchObject({
      state: 'disabled',
      enabled: false,
      state_reason: expect.stringMatching(/refused our secret \(HTTP 401\)/),
    });
    await until(async () => receiver.alerts.find((a) => a.event === 'channel.disabled' && a.channel.id === locked.id));
    // Waiting does not heal it; the right secret and an admin do.
    expect((await imagine('still wrong').expect(200)).body.code).toBe(1);
    expect(submits(locked)).toBe(1);
    await patch(locked.id, { secret: 'right-secret', enabled: true });
    expect(await channel(locked.id)).toMatchObject({ state: 'closed', enabled: true, state_reason: 'enabled by an admin' });
  });

  it('sends video only to a channel that can do video, and refuses it uncharged when none can', async () => {
    const stills = await add({ name: 'stills', priority: 10 });
    const movies = await add({ name: 'movies', priority: 0 });
    await only(stills, movies);
    const noVideo = (await channel(stills.id)).capabilities.actions.filter((a: string) => a !== 'video');
    await patch(stills.id, { capabilities: { actions: noVideo } });
    expect((await channel(stills.id)).capabilities.actions).not.toContain('video');
    const video = () => t.http.post('/mj/submit/video').set('mj-api-secret', key).send({ prompt: 'a cat walks' });
    expect((await video().expect(200)).body.code).toBe(1);
    expect(submits(movies, 'video')).toBe(1);
    expect(submits(stills, 'video')).toBe(0);

    await patch(movies.id, { enabled: false });
    const before = await balance();
    const tasksBefore = (await t.sql('SELECT id FROM tasks')).length;
    const refused = await video().expect(503);
    expect(refused.body).toMatchObject({ code: 3 });
    expect(refused.body.message ?? refused.body.description).toMatch(/video/);
    expect(await balance()).toBe(before);
    expect((await t.sql('SELECT id FROM tasks')).length).toBe(tasksBefore);
    expect(submits(stills, 'video')).toBe(0);
    // Images still go to the channel that can do them.
    expect((await imagine('a still').expect(200)).body.code).toBe(1);
  });

  it('charges a /mj-relax submit the relax price, routes it to a relax channel and records the mode', async () => {
    const fastOnly = await add({ name: 'fast only', priority: 10 }, { capabilities: { modes: ['fast', 'turbo'] } });
    const relaxed = await add({ name: 'relaxed', priority: 0 }, { capabilities: { modes: ['relax'] } });
    await only(fastOnly, relaxed);
    await asAdmin(t.http.put('/api/prices/IMAGINE/relax')).send({ quota: 30_000 }).expect(200);
    const preview = (mode: string) =>
      t.http.get(`/api/prices/preview?action=IMAGINE&mode=${mode}`).set('Authorization', `Bearer ${alice.token}`);
    expect((await preview('relax').expect(200)).body.data).toEqual({ action: 'IMAGINE', mode: 'relax', price: 30_000 });
    expect((await preview('turbo').expect(200)).body.data).toEqual({ action: 'IMAGINE', mode: 'turbo', price: 50_000 });
    expect((await preview('slow').expect(400)).body.message).toMatch(/mode must be one of/);

    const before = await balance();
    const relaxTask = (await imagine('slowly', '/mj-relax').expect(200)).body.result as string;
    expect(await balance()).toBe(before - 30_000);
    expect(submits(relaxed)).toBe(1);
    expect(submits(fastOnly)).toBe(0);
    const fastTask = (await imagine('quickly').expect(200)).body.result as string;
    expect(await balance()).toBe(before - 80_000);
    expect(submits(fastOnly)).toBe(1);

    const fetched = await t.http.get(`/mj/task/${relaxTask}/fetch`).set('mj-api-secret', key).expect(200);
    expect(fetched.body.mode).toBe('RELAX');
    const mine = (await t.http.get('/api/mj/self').set('Authorization', `Bearer ${alice.token}`).expect(200)).body.data.items;
    expect(mine.find((task: { mj_id: string }) => task.mj_id === relaxTask)).toMatchObject({ mode: 'relax', quota: 30_000 });
    expect(mine.find((task: { mj_id: string }) => task.mj_id === fastTask)).toMatchObject({ mode: 'fast', quota: 50_000 });
    expect((await t.http.get('/api/prices/modes').set('Authorization', `Bearer ${alice.token}`).expect(200)).body.data.items).toEqual([
      { action: 'IMAGINE', mode: 'relax', quota: 30_000 },
    ]);

    // No turbo channel left: refused, uncharged, saying what is missing.
    await patch(fastOnly.id, { enabled: false });
    const refused = await imagine('fast please', '/mj-turbo').expect(503);
    expect(refused.body.message ?? refused.body.description).toMatch(/turbo mode/);
    expect(await balance()).toBe(before - 80_000);
  });

  it('takes the mode from the key, else the user, when the route names none', async () => {
    const slow = await add({ name: 'slow' }, { capabilities: { modes: ['relax'] } });
    const quick = await add({ name: 'quick' }, { capabilities: { modes: ['turbo'] } });
    await only(slow, quick);
    const relaxKey = await createApiKey(t, alice.token, { name: 'relax key', default_mode: 'relax' });
    await asAdmin(t.http.patch(`/api/users/${alice.id}`))
      .send({ default_mode: 'turbo' })
      .expect(200);
    const byKey = (await t.http.post('/mj/submit/imagine').set('mj-api-secret', relaxKey).send({ prompt: 'by key' }).expect(200)).body
      .result as string;
    const byUser = (await imagine('by user').expect(200)).body.result as string;
    const byPrompt = (await imagine('by prompt --relax').expect(200)).body.result as string;
    expect(submits(slow)).toBe(2);
    expect(submits(quick)).toBe(1);
    const mine = (await t.http.get('/api/mj/self').set('Authorization', `Bearer ${alice.token}`).expect(200)).body.data.items;
    const modeOf = (mjId: string) => mine.find((task: { mj_id: string }) => task.mj_id === mjId)?.mode;
    expect([modeOf(byKey), modeOf(byUser), modeOf(byPrompt)]).toEqual(['relax', 'turbo', 'relax']);
    const bad = await asAdmin(t.http.patch(`/api/users/${alice.id}`))
      .send({ default_mode: 'warp' })
      .expect(400);
    expect(bad.body.message).toMatch(/default_mode must be one of/);
    await asAdmin(t.http.patch(`/api/users/${alice.id}`))
      .send({ default_mode: null })
      .expect(200);
  });

  it('paces a channel: a second submit within its least gap goes to another channel', async () => {
    const paced = await add({ name: 'paced', priority: 10 }, { min_gap_ms: 3_600_000 });
    const other = await add({ name: 'other', priority: 0 });
    await only(paced, other);
    expect((await imagine('first').expect(200)).body.code).toBe(1);
    expect((await imagine('second').expect(200)).body.code).toBe(1);
    expect(submits(paced)).toBe(1);
    expect(submits(other)).toBe(1);
  });

  it("alerts the operator, signed and once, when a task has waited ALERT_QUEUE_WAIT_S in the gateway's queue for a full channel", async () => {
    const full = await add({ name: 'full', coreSize: 1, queueSize: 0 });
    await only(full);
    expect((await imagine('runs').expect(200)).body.code).toBe(1);
    const queued = await imagine('waits').expect(200);
    expect(queued.body.code).toBe(22);
    const { signing_key: signingKey } = (await asAdmin(t.http.get('/api/channels/alerts')).expect(200)).body.data;
    const alert = await until(async () => receiver.alerts.find((a) => a.event === 'channel.queue_wait_high' && a.channel.id === full.id));
    expect(alert).toMatchObject({ channel: { name: 'full' }, reason: expect.stringMatching(/waited \d+ s in the gateway's queue/) });
    expect((alert as unknown as { queue_wait_s: number }).queue_wait_s).toBeGreaterThanOrEqual(1);
    const [, t0, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(alert.signature)!;
    expect(createHmac('sha256', Buffer.from(signingKey, 'hex')).update(`${t0}.${alert.body}`).digest('hex')).toBe(v1);
    // Checked every 200 ms while the task still waits: still one alert (at most one an hour per channel).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.alerts.filter((a) => a.event === 'channel.queue_wait_high' && a.channel.id === full.id)).toHaveLength(1);
  });
});
