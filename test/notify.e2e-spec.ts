import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until, upstreamIdOf } from './upstream';

describe('notify receiver (/notify/mj/:channelId/:token)', () => {
  let t: TestApp;
  let channel: TestChannel;
  let key: string;
  let hook: string;

  beforeAll(async () => {
    // Polling off: whatever changes here arrives through callbacks alone.
    t = await createTestApp({ env: { POLLING_ENABLED: 'false' } });
    channel = await addSimulatorChannel(t, { taskMs: 600, coreSize: 20 });
    await t.http
      .patch(`/api/channels/${channel.id}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ notify_enabled: true })
      .expect(200);
    const alice = await t.createUser({ username: 'alice', quota: 1_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await channel.sim.close();
  });

  const submit = async (prompt: string, body: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/mj/submit/imagine')
        .set('Authorization', `Bearer ${key}`)
        .send({ prompt, ...body })
        .expect(200)
    ).body.result as string;
  const row = async (mjId: string) =>
    (
      await t.sql<{ id: number; status: string; progress: string; quota: string }>(
        'SELECT id, status, progress, quota FROM tasks WHERE mj_id = ?',
        [mjId],
      )
    )[0];

  it("gives the upstream our hook (not the client's) and finishes tasks from callbacks alone", async () => {
    const mjId = await submit('a heron', { notifyHook: 'http://client.example/hook' });
    hook = channel.sim.tasks.get(await upstreamIdOf(t, mjId))!.properties.notifyHook as string;
    expect(hook).toMatch(new RegExp(`/notify/mj/${channel.id}/[\\w-]{32}$`));
    await until(async () => (await row(mjId)).status === 'SUCCESS', 15000);
    expect((await row(mjId)).progress).toBe('100%');
  });

  it('ignores duplicated and reordered callbacks, and never refunds a SUCCESS', async () => {
    const mjId = await submit('a crane');
    await until(async () => (await row(mjId)).status === 'SUCCESS', 15000);
    const path = new URL(hook).pathname;
    const final = { ...channel.sim.tasks.get(await upstreamIdOf(t, mjId))! };
    const duplicate = await t.http.post(path).send(final).expect(200);
    expect(duplicate.body.data).toEqual({ changed: false });
    const stale = await t.http
      .post(path)
      .send({ ...final, status: 'IN_PROGRESS', progress: '46%' })
      .expect(200);
    expect(stale.body.data).toEqual({ changed: false });
    const late = await t.http
      .post(path)
      .send({ ...final, status: 'FAILURE', failReason: 'late failure', progress: '' })
      .expect(200);
    expect(late.body.data).toEqual({ changed: false });
    const task = await row(mjId);
    expect(task).toMatchObject({ status: 'SUCCESS', progress: '100%' });
    expect(Number(task.quota)).toBe(50000);
    const refunds = await t.sql(`SELECT id FROM ledger_entries WHERE task_id = ? AND kind = 'refund'`, [task.id]);
    expect(refunds).toEqual([]);
  });

  it('applies an out-of-order FAILURE once: one refund however often it is replayed', async () => {
    channel.sim.setTaskMs(60000);
    try {
      const mjId = await submit('a stork');
      const path = new URL(hook).pathname;
      const body = { id: await upstreamIdOf(t, mjId), status: 'FAILURE', progress: '', failReason: '[Invalid parameter] --ar' };
      const replies = await Promise.all([1, 2, 3, 4].map(() => t.http.post(path).send(body)));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(replies.filter((r) => r.body.data.changed)).toHaveLength(1);
      const task = await row(mjId);
      expect(task.status).toBe('FAILURE');
      const refunds = await t.sql(`SELECT id FROM ledger_entries WHERE task_id = ? AND kind = 'refund'`, [task.id]);
      expect(refunds).toHaveLength(1);
      await t.http.post(path).send({ id: body.id, status: 'SUCCESS', progress: '100%' }).expect(200);
      expect((await row(mjId)).status).toBe('FAILURE');
    } finally {
      channel.sim.setTaskMs(600);
    }
  });

  it('answers 404 for an unknown id and 403 for a wrong token or channel, writing nothing', async () => {
    const path = new URL(hook).pathname;
    const before = await t.sql('SELECT id, status, progress FROM tasks ORDER BY id');
    await t.http.post(path).send({ id: '9999999999999999', status: 'SUCCESS' }).expect(404);
    await t.http
      .post(`/notify/mj/${channel.id}/${'x'.repeat(32)}`)
      .send({ id: '1', status: 'SUCCESS' })
      .expect(403);
    await t.http
      .post(path.replace(`/mj/${channel.id}/`, `/mj/${channel.id + 1}/`))
      .send({ id: '1' })
      .expect(403);
    await t.http.post('/notify/mj/abc/token').send({}).expect(403);
    const bad = await t.http.post(path).send({ status: 'SUCCESS' }).expect(400);
    expect(bad.body.message).toMatch(/string id/);
    expect(await t.sql('SELECT id, status, progress FROM tasks ORDER BY id')).toEqual(before);
  });
});
