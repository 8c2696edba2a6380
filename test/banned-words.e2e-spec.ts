import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until, upstreamIdOf } from './upstream';

describe('banned words: the built-in submit check (/api/banned-words)', () => {
  let t: TestApp;
  let sim: TestChannel;
  let alice: { id: number; token: string };
  let key: string;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300' } });
    admin = await t.adminToken();
    sim = await addSimulatorChannel(t, { taskMs: 300, coreSize: 100, queueSize: 100 });
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
  });

  const relay = (path: string) => t.http.post(path).set('Authorization', `Bearer ${key}`);
  const words = () => t.http.post('/api/banned-words').set('Authorization', `Bearer ${admin}`);
  const ban = async (phrase: string, more: Record<string, unknown> = {}) =>
    (
      await words()
        .send({ phrase, ...more })
        .expect(201)
    ).body.data as { id: number; phrase: string; list: string };
  const balance = async () => Number((await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [alice.id]))[0].quota);
  const ledgerSize = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM ledger_entries'))[0].n);
  const fetchTask = async (mjId: string) => (await t.http.get(`/mj/task/${mjId}/fetch`).set('mj-api-secret', key)).body;
  const succeeded = (mjId: string) =>
    until(async () => {
      const task = await fetchTask(mjId);
      return task.status === 'SUCCESS' && task;
    }, 15000);

  it('lets admins keep the list and its exceptions, and tells them what is wrong with a request', async () => {
    const created = await ban('  Gore ', { note: 'policy 4.2' });
    expect(created).toMatchObject({ phrase: 'Gore', list: 'banned', whole_word: true, note: 'policy 4.2' });
    const duplicate = await words().send({ phrase: 'GORE' }).expect(409);
    expect(duplicate.body).toMatchObject({ success: false, message: '"GORE" is already on the banned list' });
    // The same phrase may be an exception on the other list.
    const allowed = await ban('gore', { list: 'allowed' });
    await t.http.delete(`/api/banned-words/${allowed.id}`).set('Authorization', `Bearer ${admin}`).expect(200);
    const blank = await words().send({ phrase: '   ' }).expect(400);
    expect(blank.body.message).toMatch(/phrase/);
    const badList = await words().send({ phrase: 'x', list: 'maybe' }).expect(400);
    expect(badList.body.message).toMatch(/list must be banned or allowed/);
    await t.http.post('/api/banned-words').set('Authorization', `Bearer ${alice.token}`).send({ phrase: 'x' }).expect(403);
    await t.http.post('/api/banned-words').send({ phrase: 'x' }).expect(401);
    const patched = await t.http
      .patch(`/api/banned-words/${created.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ note: 'policy 4.3' })
      .expect(200);
    expect(patched.body.data).toMatchObject({ phrase: 'Gore', note: 'policy 4.3' });
    await t.http.get('/api/banned-words/999999').set('Authorization', `Bearer ${admin}`).expect(404);
    const list = await t.http.get('/api/banned-words?list=banned&q=GOR').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(list.body.data).toMatchObject({ total: 1, items: [{ phrase: 'Gore' }] });
  });

  it('refuses a prompt with a banned word with code 24 and the word: nothing charged, nothing sent upstream', async () => {
    const [before, entries, sent] = [await balance(), await ledgerSize(), sim.sim.stats().total];
    const refused = await relay('/mj/submit/imagine').send({ prompt: 'a GORE scene, cinematic --ar 3:2' }).expect(400);
    expect(refused.body).toMatchObject({
      success: false,
      code: 24,
      description: '可能包含敏感词: Gore',
      properties: { bannedWord: 'Gore' },
    });
    expect(refused.body.message).toBe('The prompt contains the banned word "Gore"');
    for (const [route, body] of [
      ['/mj/submit/shorten', { prompt: 'gore' }],
      ['/mj/submit/video', { prompt: 'slow gore' }],
      ['/mj-fast/mj/submit/imagine', { prompt: 'gore.' }],
    ] as const) {
      expect((await relay(route).send(body).expect(400)).body.code).toBe(24);
    }
    expect(await balance()).toBe(before);
    expect(await ledgerSize()).toBe(entries);
    expect(sim.sim.stats().total).toBe(sent);
    expect(await t.sql('SELECT id FROM tasks')).toEqual([]);
    // Whole words only: "gorgeous" and "gorex" pass.
    const fine = await relay('/mj/submit/imagine').send({ prompt: 'a gorgeous gorex' }).expect(200);
    expect(fine.body.code).toBe(1);
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/mj_banned_prompts_total\{route="imagine"\} 2/);
    expect(metrics.text).toMatch(/mj_banned_prompts_total\{route="shorten"\} 1/);
  });

  it('lets an allow-listed phrase through, and only that phrase (CJK text has no spaces: matched inside words)', async () => {
    await ban('血');
    const refused = await relay('/mj/submit/imagine').send({ prompt: '一只猫在血泊中' }).expect(400);
    expect(refused.body).toMatchObject({ code: 24, description: '可能包含敏感词: 血' });
    await ban('血橙', { list: 'allowed' });
    const passed = await relay('/mj/submit/imagine').send({ prompt: '一杯血橙汁, studio light' }).expect(200);
    expect(passed.body.code).toBe(1);
    expect(sim.sim.tasks.get(await upstreamIdOf(t, passed.body.result))?.prompt).toBe('一杯血橙汁, studio light');
    expect((await relay('/mj/submit/imagine').send({ prompt: '血橙 和 血' }).expect(400)).body.code).toBe(24);
    const verdict = await t.http
      .post('/api/banned-words/test')
      .set('Authorization', `Bearer ${admin}`)
      .send({ prompt: '血橙汁' })
      .expect(200);
    expect(verdict.body.data).toEqual({ banned: false, word: '' });
  });

  it('checks the prompt of a modal confirm before it is held again', async () => {
    const grid = (await relay('/mj/submit/imagine').send({ prompt: 'a lighthouse' }).expect(200)).body.result;
    const gridTask = await succeeded(grid);
    const upscale = (await relay('/mj/submit/action').send({ taskId: grid, customId: gridTask.buttons[0].customId }).expect(200)).body
      .result;
    const upscaled = await succeeded(upscale);
    const zoom = upscaled.buttons.find((b: { customId: string }) => b.customId.startsWith('MJ::CustomZoom')).customId;
    const modalId = (await relay('/mj/submit/action').send({ taskId: upscale, customId: zoom }).expect(200)).body.result;
    await until(async () => (await fetchTask(modalId)).status === 'MODAL');
    const [before, sent] = [await balance(), sim.sim.stats().routes['POST /mj/submit/modal']?.count ?? 0];
    const refused = await relay('/mj/submit/modal').send({ taskId: modalId, prompt: 'a gore lighthouse --zoom 1.5' }).expect(400);
    expect(refused.body).toMatchObject({ code: 24, description: '可能包含敏感词: Gore' });
    expect(await balance()).toBe(before);
    expect(sim.sim.stats().routes['POST /mj/submit/modal']?.count ?? 0).toBe(sent);
    expect((await fetchTask(modalId)).status).toBe('MODAL');
    const confirmed = await relay('/mj/submit/modal').send({ taskId: modalId, prompt: 'a lighthouse --zoom 1.5' }).expect(200);
    expect(confirmed.body.code).toBe(1);
  });

  it('applies a change made on one instance on another, without a restart', async () => {
    const other = await createTestApp({ databaseUrl: t.db!.url, env: { POLLING_ENABLED: 'false' } });
    try {
      const otherAdmin = await other.adminToken();
      const check = (prompt: string) =>
        other.http.post('/api/banned-words/test').set('Authorization', `Bearer ${otherAdmin}`).send({ prompt });
      expect((await check('a dragon').expect(200)).body.data.banned).toBe(false);
      const dragon = await ban('dragon');
      await until(async () => (await check('a dragon').expect(200)).body.data.banned);
      const refused = await other.http.post('/mj/submit/imagine').set('mj-api-secret', key).send({ prompt: 'a red Dragon' }).expect(400);
      expect(refused.body).toMatchObject({ code: 24, description: '可能包含敏感词: dragon' });
      await t.http.delete(`/api/banned-words/${dragon.id}`).set('Authorization', `Bearer ${admin}`).expect(200);
      await until(async () => !(await check('a dragon').expect(200)).body.data.banned);
      const passed = await other.http.post('/mj/submit/imagine').set('mj-api-secret', key).send({ prompt: 'a red Dragon' }).expect(200);
      expect(passed.body.code).toBe(1);
    } finally {
      await other.close();
    }
  });
});
