import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, PNG_DATA_URL, TestChannel, upstreamIdOf } from './upstream';

describe('relay: submit, fetch, list-by-condition, billing (/mj/*)', () => {
  let t: TestApp;
  let main: TestChannel;
  let alice: { id: number; token: string };
  let key: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { POLLING_ENABLED: 'false', DISPATCH_ENABLED: 'false' } });
    main = await addSimulatorChannel(t, { secret: 'main-secret', taskMs: 60000 });
    alice = await t.createUser({ username: 'alice', quota: 1_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await main.sim.close();
  });

  const relay = (path: string, apiKey = key) => t.http.post(path).set('Authorization', `Bearer ${apiKey}`);
  const balance = async (userId = alice.id) =>
    Number((await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [userId]))[0].quota);

  it('imagines through the channel with its secret, charges the price once and records the task', async () => {
    const before = await balance();
    const res = await relay('/mj/submit/imagine').send({ prompt: 'a red fox in snow', state: 'u42' }).expect(200);
    expect(res.body).toMatchObject({ code: 1, description: '提交成功' });
    expect(res.body.result).toMatch(/^\d{16}$/);
    expect(main.sim.stats().routes['POST /mj/submit/imagine'].lastSecret).toBe('main-secret');
    expect(await balance()).toBe(before - 50000);
    const fetched = await t.http.get(`/mj/task/${res.body.result}/fetch`).set('mj-api-secret', key).expect(200);
    expect(fetched.body).toMatchObject({
      id: res.body.result,
      action: 'IMAGINE',
      status: 'NOT_START',
      prompt: 'a red fox in snow',
      state: 'u42',
    });
    expect(typeof fetched.body.submitTime).toBe('number');
    const ledger = await t.sql<{ kind: string; amount: string }>(
      'SELECT kind, amount FROM ledger_entries WHERE task_id = (SELECT id FROM tasks WHERE mj_id = ?) ORDER BY id',
      [res.body.result],
    );
    expect(ledger.map((e) => [e.kind, Number(e.amount)])).toEqual([
      ['hold', -50000],
      ['capture', 0],
    ]);
    const list = await t.http.get('/api/mj/self').set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(list.body.data.items[0]).toMatchObject({ mj_id: res.body.result, quota: 50000, status: 'NOT_START' });
  });

  it('accepts the key as mj-api-secret and under the /mj-fast prefix, adding the speed flag', async () => {
    const res = await t.http.post('/mj-relax/mj/submit/imagine').set('mj-api-secret', key).send({ prompt: 'a slow cat' }).expect(200);
    expect(res.body.code).toBe(1);
    expect(main.sim.tasks.get(await upstreamIdOf(t, res.body.result))?.prompt).toBe('a slow cat --relax');
  });

  it("answers list-by-condition from the database with only the caller's tasks, and caps the ids", async () => {
    const mine = await relay('/mj/submit/imagine').send({ prompt: 'mine' }).expect(200);
    const bob = await t.createUser({ username: 'bob', quota: 1_000_000 });
    const bobKey = await createApiKey(t, bob.token);
    const theirs = await relay('/mj/submit/imagine', bobKey).send({ prompt: 'theirs' }).expect(200);
    const listed = await relay('/mj/task/list-by-condition')
      .send({ ids: [mine.body.result, theirs.body.result, 'nope'] })
      .expect(200);
    expect(listed.body.map((task: { id: string }) => task.id)).toEqual([mine.body.result]);
    await t.http.get(`/mj/task/${theirs.body.result}/fetch`).set('mj-api-secret', key).expect(404);
    await relay('/mj/task/list-by-condition').send({}).expect(200, []);
    const tooMany = await relay('/mj/task/list-by-condition')
      .send({ ids: Array.from({ length: 501 }, (_, i) => `${i}`) })
      .expect(400);
    expect(tooMany.body).toMatchObject({ success: false, code: 4 });
    expect(tooMany.body.message).toMatch(/at most 500/);
  });

  it('takes task ids as strings or numbers, refuses what cannot be one, and answers null for no images', async () => {
    const task = (await relay('/mj/submit/imagine').send({ prompt: 'numbered' }).expect(200)).body.result as string;
    const listed = await relay('/mj/task/list-by-condition')
      .send({ ids: [Number(task), task] })
      .expect(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({
      id: task,
      imageUrls: null,
      videoUrls: null,
      properties: { finalPrompt: 'numbered', finalZhPrompt: '' },
    });
    for (const ids of [[1.5], [-1], [{ id: task }], [2 ** 60]]) {
      const bad = await relay('/mj/task/list-by-condition').send({ ids }).expect(400);
      expect(bad.body).toMatchObject({ success: false, code: 4 });
      expect(bad.body.message).toContain('ids');
    }
    // A numeric taskId reaches the (unfinished) task it names: refused for its state, not as unknown.
    const running = await relay('/mj/submit/change')
      .send({ taskId: Number(task), action: 'UPSCALE', index: 1 })
      .expect(400);
    expect(running.body.description).toBe('关联任务状态错误');
    const fraction = await relay('/mj/submit/change').send({ taskId: 1.5, action: 'UPSCALE', index: 1 }).expect(400);
    expect(fraction.body.message).toContain('taskId');
  });

  it("validates with the protocol's codes, never charging", async () => {
    const before = await balance();
    const empty = await relay('/mj/submit/imagine').send({ prompt: '  ' }).expect(400);
    expect(empty.body).toMatchObject({ success: false, code: 4, description: 'prompt不能为空', result: null });
    const blend = await relay('/mj/submit/blend')
      .send({ base64Array: [PNG_DATA_URL] })
      .expect(400);
    expect(blend.body.description).toBe('base64List参数错误');
    const badImage = await relay('/mj/submit/imagine')
      .send({ prompt: 'x', base64Array: ['not-a-data-url'] })
      .expect(400);
    expect(badImage.body.description).toBe('base64格式错误');
    const custom = await relay('/mj/submit/action').send({ taskId: '1', customId: 'x' }).expect(400);
    expect(custom.body).toMatchObject({ code: 4, description: '未知的 Action 类型' });
    const content = await relay('/mj/submit/simple-change').send({ content: 'garbage' }).expect(400);
    expect(content.body.description).toBe('content参数错误');
    const change = await relay('/mj/submit/change').send({ taskId: '1', action: 'UPSCALE' }).expect(400);
    expect(change.body.description).toBe('action参数错误');
    const parent = await relay('/mj/submit/change').send({ taskId: '999', action: 'UPSCALE', index: 1 }).expect(404);
    expect(parent.body).toMatchObject({ code: 3, description: '关联任务不存在或已失效' });
    const array = await relay('/mj/submit/imagine').send([1, 2]).expect(400);
    expect(array.body.code).toBe(4);
    const malformed = await relay('/mj/submit/imagine').set('Content-Type', 'application/json').send('{"prompt":').expect(400);
    expect(malformed.body).toEqual({ success: false, message: 'Malformed JSON body' });
    expect(await balance()).toBe(before);
  });

  it('refuses an image over the per-image limit with 413, naming it', async () => {
    const big = `data:image/png;base64,${'A'.repeat(Math.ceil((10 * 1024 * 1024 * 4) / 3) + 400)}`;
    const res = await relay('/mj/submit/imagine')
      .send({ prompt: 'big', base64Array: [PNG_DATA_URL, big] })
      .expect(413);
    expect(res.body.message).toMatch(/base64Array\[1\] is 10\.0 MB; the limit is 10\.0 MB/);
  });

  it.each([
    ['--sim-banned', 24],
    ['--sim-no-account', 3],
  ])('does not charge when the upstream refuses (%s → code %i), and records why', async (token, code) => {
    const before = await balance();
    const res = await relay('/mj/submit/imagine')
      .send({ prompt: `a cat ${token}` })
      .expect(200);
    expect(res.body.code).toBe(code);
    expect(await balance()).toBe(before);
    const rows = await t.sql<{ status: string; fail_reason: string; quota: string }>(
      'SELECT status, fail_reason, quota FROM tasks WHERE prompt = ? ORDER BY id DESC LIMIT 1',
      [`a cat ${token}`],
    );
    expect(rows[0]).toMatchObject({ status: 'FAILURE' });
    expect(Number(rows[0].quota)).toBe(0);
    expect(rows[0].fail_reason).not.toBe('');
  });

  it("queues a task at the gateway when the upstream's queue is full (code 23 upstream → 22, held); cancelling refunds it", async () => {
    const before = await balance();
    const res = await relay('/mj/submit/imagine').send({ prompt: 'a cat --sim-queue-full' }).expect(200);
    expect(res.body).toMatchObject({ code: 22, result: expect.stringMatching(/^\d+$/) });
    expect(await balance()).toBe(before - 50000);
    const fetched = await t.http.get(`/mj/task/${res.body.result}/fetch`).set('mj-api-secret', key).expect(200);
    expect(fetched.body).toMatchObject({ status: 'NOT_START', properties: { queuePosition: 1 } });
    await relay(`/mj/task/${res.body.result}/cancel`).expect(200);
    expect(await balance()).toBe(before);
  });

  it('does not charge when every upstream is unreachable, and says so with 502', async () => {
    const before = await balance();
    main.sim.setFaults('http500=1');
    try {
      const res = await relay('/mj/submit/imagine').send({ prompt: 'unlucky' }).expect(502);
      expect(res.body).toMatchObject({ success: false, code: 9 });
      expect(res.body.message).toMatch(/HTTP 500/);
    } finally {
      main.sim.setFaults('');
    }
    expect(await balance()).toBe(before);
  });

  it('submits every other route', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['/mj/submit/describe', { base64: PNG_DATA_URL }],
      ['/mj/submit/blend', { base64Array: [PNG_DATA_URL, PNG_DATA_URL], dimensions: 'SQUARE' }],
      ['/mj/submit/shorten', { prompt: 'a very long prompt about foxes' }],
      ['/mj/submit/video', { prompt: 'a fox running', motion: 'low' }],
      ['/mj/submit/edits', { prompt: 'make it night', image: PNG_DATA_URL }],
      ['/mj/insight-face/swap', { sourceBase64: PNG_DATA_URL, targetBase64: PNG_DATA_URL }],
    ];
    for (const [path, body] of cases) {
      const res = await relay(path).send(body);
      expect([path, res.status, [1, 22].includes(res.body.code)]).toEqual([path, 200, true]);
      expect(main.sim.tasks.get(await upstreamIdOf(t, res.body.result))).toBeDefined();
    }
    const upload = await relay('/mj/submit/upload-discord-images')
      .send({ base64Array: [PNG_DATA_URL] })
      .expect(200);
    expect(upload.body.code).toBe(1);
    expect(Array.isArray(upload.body.result)).toBe(true);
  });

  it('refuses a submit beyond the balance with 402 and writes nothing', async () => {
    const poor = await t.createUser({ username: 'poor', quota: 10 });
    const poorKey = await createApiKey(t, poor.token);
    const res = await relay('/mj/submit/imagine', poorKey).send({ prompt: 'expensive' }).expect(402);
    expect(res.body).toMatchObject({ success: false, code: 4 });
    expect(res.body.message).toMatch(/Insufficient quota/);
    expect(await t.sql('SELECT id FROM tasks WHERE user_id = ?', [poor.id])).toEqual([]);
  });

  it('rejects a missing, unknown, expired or revoked key with 401', async () => {
    await t.http.post('/mj/submit/imagine').send({ prompt: 'x' }).expect(401);
    await relay('/mj/submit/imagine', 'sk-unknown').send({ prompt: 'x' }).expect(401);
    // Two whole seconds ahead: a loaded machine may cross a second boundary before the key is created.
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const soon = await createApiKey(t, alice.token, { name: 'soon', expires_at: expiresAt });
    await relay('/mj/task/list-by-condition', soon).send({ ids: [] }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt * 1000 - Date.now()) + 100));
    const expired = await relay('/mj/task/list-by-condition', soon).send({ ids: [] }).expect(401);
    expect(expired.body.message).toMatch(/expired/);
    const keys = await t.http.get('/api/tokens').set('Authorization', `Bearer ${alice.token}`).expect(200);
    const revoke = keys.body.data.items.find((k: { name: string }) => k.name === 'test');
    await t.http.delete(`/api/tokens/${revoke.id}`).set('Authorization', `Bearer ${alice.token}`).expect(200);
    const revoked = await relay('/mj/task/list-by-condition').send({ ids: [] }).expect(401);
    expect(revoked.body.message).toMatch(/revoked/);
  });
});
