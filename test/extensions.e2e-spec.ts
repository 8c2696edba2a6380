import { ExtensionLoadError } from '../apps/api/src/extensions';
import { createTestApp, TestApp } from './app';
import { EchoUpstream, EventLog } from './fixtures/extension-points';
import { addSimulatorChannel, createApiKey, TestChannel, until, upstreamIdOf } from './upstream';

describe('extension points: submit checks, upstream kinds and task events from a module in EXTENSIONS', () => {
  let t: TestApp;
  let sim: TestChannel;
  let alice: { id: number; token: string };
  let key: string;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { EXTENSIONS: './test/fixtures/extension-points#ExtensionPointsModule', POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300' },
    });
    admin = await t.adminToken();
    sim = await addSimulatorChannel(t, { taskMs: 60000, priority: 10 });
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
  });

  const relay = (path: string) => t.http.post(path).set('mj-api-secret', key);
  const balance = async () => Number((await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [alice.id]))[0].quota);
  const taskCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM tasks'))[0].n);

  it('turns a check that throws, or answers nonsense, into a clear refusal: no 500, nothing charged or sent', async () => {
    const [before, tasks, sent] = [await balance(), await taskCount(), sim.sim.stats().total];
    const thrown = await relay('/mj/submit/imagine').send({ prompt: 'make it explode' }).expect(503);
    expect(thrown.body).toMatchObject({ success: false, code: 9, description: '提交失败，系统异常' });
    expect(thrown.body.message).toBe(
      'The submit check HouseRulesCheck could not decide (it failed); the submit was refused and nothing was charged',
    );
    expect(JSON.stringify(thrown.body)).not.toMatch(/postgres|10\.0\.0\.9/);
    const nonsense = await relay('/mj/submit/imagine').send({ prompt: 'nonsense' }).expect(503);
    expect(nonsense.body.message).toMatch(/HouseRulesCheck could not decide \(it answered neither pass, refuse nor a non-empty rewrite\)/);
    expect([await balance(), await taskCount(), sim.sim.stats().total]).toEqual([before, tasks, sent]);
  });

  it("refuses with the check's own code and message, before any hold", async () => {
    const before = await balance();
    const refused = await relay('/mj/submit/imagine').send({ prompt: 'too many foxes' }).expect(400);
    expect(refused.body).toMatchObject({
      success: false,
      code: 23,
      description: '队列已满，请稍后尝试',
      message: 'Alice has too many tasks today',
    });
    expect(await balance()).toBe(before);
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/mj_submit_check_refusals_total\{check="HouseRulesCheck",code="23"\} 1/);
  });

  it('sends a rewritten prompt upstream and keeps the original on the task', async () => {
    const res = await relay('/mj/submit/imagine').send({ prompt: 'a colour study' }).expect(200);
    expect(sim.sim.tasks.get(await upstreamIdOf(t, res.body.result))?.prompt).toBe('a color study');
    const [row] = await t.sql<{ prompt: string; original_prompt: string }>('SELECT prompt, original_prompt FROM tasks WHERE mj_id = ?', [
      res.body.result,
    ]);
    expect(row).toEqual({ prompt: 'a color study', original_prompt: 'a colour study' });
  });

  it("serves a channel of a module's type with that module's client, and tells subscribers of every change", async () => {
    const badType = await t.http
      .post('/api/channels')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'nope', base_url: 'http://nope.example', type: 'carrier-pigeon' })
      .expect(400);
    expect(badType.body.message).toBe('type must be one of the loaded upstream kinds: midjourney-proxy, echo');
    const channel = await t.http
      .post('/api/channels')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'echo', base_url: 'http://echo.invalid', type: 'echo', priority: 100 })
      .expect(201);
    expect(channel.body.data.type).toBe('echo');
    const probe = await t.http.post(`/api/channels/${channel.body.data.id}/test`).set('Authorization', `Bearer ${admin}`).expect(200);
    expect(probe.body.data.message).toBe('echo (not midjourney-proxy)');
    const before = await balance();
    const res = await relay('/mj/submit/imagine').send({ prompt: 'a pigeon' }).expect(200);
    expect(await upstreamIdOf(t, res.body.result)).toBe('echo-1');
    expect(t.app.get(EchoUpstream).taken.get('echo-1')).toMatchObject({ path: '/mj/submit/imagine', body: { prompt: 'a pigeon' } });
    const log = t.app.get(EventLog);
    const failed = await until(() => Promise.resolve(log.events.find((e) => e.mj_id === res.body.result && e.status === 'FAILURE')));
    expect(failed).toMatchObject({ action: 'IMAGINE', user_id: alice.id, channel_id: channel.body.data.id });
    // Polled through the module's client to FAILURE, and refunded.
    await until(async () => (await balance()) === before);
  });
});

describe('EXTENSIONS: a module that cannot be loaded stops the start with a clear message', () => {
  // Modules are loaded while Nest scans the app, before any database is touched.
  const start = (EXTENSIONS: string) =>
    createTestApp({ databaseUrl: 'postgresql://postgres@127.0.0.1:5432/never_used', env: { EXTENSIONS } });

  it.each([
    ['./test/fixtures/missing-module', /EXTENSIONS entry "\.\/test\/fixtures\/missing-module": cannot find a module at .*missing-module/],
    [
      './test/fixtures/extension-points#Nope',
      /EXTENSIONS entry "\.\/test\/fixtures\/extension-points#Nope": it exports nothing named Nope/,
    ],
    ['./test/fixtures/extension-points#EventLog', /EventLog is not a Nest module/],
    ['./test/upstream', /it exports no Nest module/],
  ])('%s', async (entry, message) => {
    const failure = await start(entry).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ExtensionLoadError);
    expect((failure as Error).message).toMatch(message);
  });

  it('refuses an entry that is not a path', async () => {
    await expect(start('./a b')).rejects.toThrow(
      'Invalid configuration: EXTENSIONS must be a comma-separated list of module paths or package names, each optionally followed by #ExportName; got "./a b"',
    );
  });
});
