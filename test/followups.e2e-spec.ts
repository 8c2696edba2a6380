import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until, upstreamIdOf } from './upstream';

describe('relay follow-ups, failover and concurrent billing', () => {
  let t: TestApp;
  let alpha: TestChannel;
  let beta: TestChannel;
  let alice: { id: number; token: string };
  let key: string;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300' } });
    admin = await t.adminToken();
    alpha = await addSimulatorChannel(t, { secret: 'alpha-secret', taskMs: 500, coreSize: 100, queueSize: 100, priority: 10 });
    beta = await addSimulatorChannel(t, { secret: 'beta-secret', taskMs: 500, coreSize: 100, queueSize: 100, priority: 0 });
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([alpha.sim.close(), beta.sim.close()]);
  });

  const relay = (path: string, apiKey = key) => t.http.post(path).set('Authorization', `Bearer ${apiKey}`);
  const fetchTask = async (mjId: string) => (await t.http.get(`/mj/task/${mjId}/fetch`).set('mj-api-secret', key)).body;
  const succeeded = (mjId: string) =>
    until(async () => {
      const task = await fetchTask(mjId);
      return task.status === 'SUCCESS' && task;
    }, 15000);
  const setPriority = (channel: TestChannel, priority: number) =>
    t.http.patch(`/api/channels/${channel.id}`).set('Authorization', `Bearer ${admin}`).send({ priority }).expect(200);
  const balance = async () => Number((await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [alice.id]))[0].quota);

  it("sends every follow-up to the origin task's channel with that channel's own secret", async () => {
    const grid = (await relay('/mj/submit/imagine').send({ prompt: 'a red fox' }).expect(200)).body.result;
    expect(alpha.sim.tasks.has(await upstreamIdOf(t, grid))).toBe(true);
    const task = await succeeded(grid);
    // New work now prefers beta; follow-ups of alpha's task must still go to alpha.
    await setPriority(alpha, 0);
    await setPriority(beta, 10);
    const before = beta.sim.stats().total;

    const u1 = task.buttons.find((b: { label: string }) => b.label === 'U1').customId;
    const action = await relay('/mj/submit/action').send({ taskId: grid, customId: u1 }).expect(200);
    expect(action.body.code).toBe(1);
    const change = await relay('/mj/submit/change').send({ taskId: grid, action: 'VARIATION', index: 2 }).expect(200);
    const simple = await relay('/mj/submit/simple-change')
      .send({ content: `${grid} U3` })
      .expect(200);
    const seed = await t.http.get(`/mj/task/${grid}/image-seed`).set('mj-api-secret', key).expect(200);
    expect(seed.body.code).toBe(1);

    for (const id of [action.body.result, change.body.result, simple.body.result])
      expect(alpha.sim.tasks.has(await upstreamIdOf(t, id))).toBe(true);
    const routes = alpha.sim.stats().routes;
    for (const route of [
      'POST /mj/submit/action',
      'POST /mj/submit/change',
      'POST /mj/submit/simple-change',
      'GET /mj/task/{id}/image-seed',
    ]) {
      expect([route, routes[route]?.lastSecret]).toEqual([route, 'alpha-secret']);
    }
    expect(beta.sim.stats().total - before).toBe(0);
    expect((await fetchTask(action.body.result)).action).toBe('UPSCALE');
    expect((await fetchTask(change.body.result)).action).toBe('VARIATION');

    const fresh = (await relay('/mj/submit/imagine').send({ prompt: 'now on beta' }).expect(200)).body.result;
    expect(beta.sim.tasks.has(await upstreamIdOf(t, fresh))).toBe(true);
    expect(beta.sim.stats().routes['POST /mj/submit/imagine'].lastSecret).toBe('beta-secret');
  });

  it("refuses a follow-up on an unfinished task, or on someone else's task", async () => {
    const running = (await relay('/mj/submit/imagine').send({ prompt: 'still running --sim-hang' }).expect(200)).body.result;
    const res = await relay('/mj/submit/change').send({ taskId: running, action: 'UPSCALE', index: 1 }).expect(400);
    expect(res.body).toMatchObject({ code: 4, description: '关联任务状态错误' });
    const bob = await t.createUser({ username: 'bob', quota: 1_000_000 });
    const bobKey = await createApiKey(t, bob.token);
    const other = await relay('/mj/submit/simple-change', bobKey)
      .send({ content: `${running} U1` })
      .expect(404);
    expect(other.body.code).toBe(3);
  });

  it('runs the modal flow: custom zoom waits in MODAL, the confirm continues it and is what is charged', async () => {
    const grid = (await relay('/mj/submit/imagine').send({ prompt: 'a lighthouse' }).expect(200)).body.result;
    const gridTask = await succeeded(grid);
    const upscale = (await relay('/mj/submit/action').send({ taskId: grid, customId: gridTask.buttons[0].customId }).expect(200)).body
      .result;
    const upscaled = await succeeded(upscale);
    const zoom = upscaled.buttons.find((b: { customId: string }) => b.customId.startsWith('MJ::CustomZoom')).customId;
    const before = await balance();
    const opened = await relay('/mj/submit/action').send({ taskId: upscale, customId: zoom }).expect(200);
    expect(opened.body.code).toBe(21);
    const modalId = opened.body.result;
    await until(async () => (await fetchTask(modalId)).status === 'MODAL');
    expect(await balance()).toBe(before);
    const confirmed = await relay('/mj/submit/modal').send({ taskId: modalId, prompt: 'a lighthouse --zoom 1.5' }).expect(200);
    expect(confirmed.body.code).toBe(1);
    const done = await succeeded(modalId);
    expect(done.prompt).toBe('a lighthouse --zoom 1.5');
    expect(await balance()).toBe(before - 50000);
    const again = await relay('/mj/submit/modal').send({ taskId: modalId }).expect(400);
    expect(again.body.description).toBe('关联任务状态错误');
  });

  it('fails over to the next channel on a transport error and on code 3, charging once', async () => {
    const dead = await t.http
      .post('/api/channels')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'dead', base_url: 'http://127.0.0.1:9', priority: 100 })
      .expect(201);
    await setPriority(alpha, 50);
    alpha.sim.setModes(['no-account']);
    try {
      const before = await balance();
      const res = await relay('/mj/submit/imagine').send({ prompt: 'through the failover' }).expect(200);
      expect(res.body.code).toBe(1);
      expect(beta.sim.tasks.has(await upstreamIdOf(t, res.body.result))).toBe(true);
      expect(await balance()).toBe(before - 50000);
      const rows = await t.sql<{ channel_id: number }>('SELECT channel_id FROM tasks WHERE mj_id = ?', [res.body.result]);
      expect(rows).toEqual([{ channel_id: beta.id }]);
    } finally {
      alpha.sim.setModes([]);
      await t.http.delete(`/api/channels/${dead.body.data.id}`).set('Authorization', `Bearer ${admin}`).expect(200);
    }
  });

  it('accepts exactly as many of 50 parallel submits as the balance pays for, never going negative', async () => {
    const carol = await t.createUser({ username: 'carol', quota: 10 * 50000 });
    const carolKey = await createApiKey(t, carol.token);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => relay('/mj/submit/imagine', carolKey).send({ prompt: `parallel ${i}` })),
    );
    const accepted = answers.filter((r) => r.status === 200 && r.body.code === 1);
    const refused = answers.filter((r) => r.status === 402);
    expect([accepted.length, refused.length]).toEqual([10, 40]);
    const [{ quota }] = await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [carol.id]);
    expect(Number(quota)).toBe(0);
    const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ledger_entries WHERE user_id = ? AND kind = 'hold'`, [carol.id]);
    expect(Number(n)).toBe(10);
  });
});
