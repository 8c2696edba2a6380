import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until } from './upstream';

const PRICE = 50000;
const FAST_POLLS = { POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '200', DISPATCH_INTERVAL_MS: '100' };

interface User {
  id: number;
  token: string;
  key: string;
}

describe('the gateway queue: bursts absorbed, fair, capped, cancellable, refunded at the deadline', () => {
  let t: TestApp;
  let channels: TestChannel[] = [];

  afterEach(async () => {
    await t?.close();
    await Promise.all(channels.map((c) => c.sim.close()));
    channels = [];
  });

  const user = async (name: string, quota = 100 * PRICE): Promise<User> => {
    const created = await t.createUser({ username: name, quota });
    return { ...created, key: await createApiKey(t, created.token) };
  };
  const imagine = (u: User, prompt: string) => t.http.post('/mj/submit/imagine').set('mj-api-secret', u.key).send({ prompt });
  const fetchTask = async (u: User, id: string) => (await t.http.get(`/mj/task/${id}/fetch`).set('mj-api-secret', u.key).expect(200)).body;
  const balance = async (u: User) => Number((await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [u.id]))[0].quota);
  const statuses = (ids: string[]) =>
    t.sql<{ mj_id: string; status: string; finish_time: string }>(
      'SELECT mj_id, status, finish_time FROM tasks WHERE mj_id = ANY(?::text[])',
      [`{${ids.join(',')}}`],
    );
  const allFinished = (ids: string[]) => async () => {
    const rows = await statuses(ids);
    return rows.length === ids.length && rows.every((r) => ['SUCCESS', 'FAILURE', 'CANCEL'].includes(r.status)) && rows;
  };

  it('takes a burst of 30 imagines from two users on one 3+10 channel: none refused, all SUCCESS, charged once each', async () => {
    t = await createTestApp({ env: FAST_POLLS });
    channels.push(await addSimulatorChannel(t, { taskMs: 150, coreSize: 3, queueSize: 10 }));
    const [alice, bob] = [await user('alice'), await user('bob')];
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await imagine(i % 2 ? bob : alice, `burst ${i}`).expect(200);
      expect([1, 22]).toContain(res.body.code);
      ids.push(res.body.result);
    }
    const queued = await fetchTask(alice, ids[28]);
    expect(queued.status).toBe('NOT_START');
    const rows = await until(allFinished(ids), 60000, 100);
    expect(rows.map((r) => r.status)).toEqual(Array(30).fill('SUCCESS'));
    expect(await balance(alice)).toBe(100 * PRICE - 15 * PRICE);
    expect(await balance(bob)).toBe(100 * PRICE - 15 * PRICE);
    expect(channels[0].sim.stats().routes['POST /mj/submit/imagine'].count).toBeGreaterThanOrEqual(30);
  });

  it('answers a queued task with code 22, its gateway id, its queue position and start estimate; then it starts', async () => {
    t = await createTestApp({ env: FAST_POLLS });
    channels.push(await addSimulatorChannel(t, { taskMs: 300, coreSize: 1, queueSize: 0 }));
    await t.http
      .patch(`/api/channels/${channels[0].id}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ max_running: 1, max_queued: 0 })
      .expect(200);
    const alice = await user('alice');
    const first = await imagine(alice, 'first').expect(200);
    expect(first.body.code).toBe(1);
    const second = await imagine(alice, 'second').expect(200);
    expect(second.body).toMatchObject({ code: 22, properties: { numberOfQueues: 0 } });
    expect(second.body.result).toMatch(/^\d+$/);
    expect(Number(second.body.result)).toBeLessThan(2 ** 53);
    const third = await imagine(alice, 'third').expect(200);
    expect(third.body).toMatchObject({ code: 22, description: '排队中，前面还有1个任务' });
    const view = await fetchTask(alice, third.body.result);
    expect(view).toMatchObject({ id: third.body.result, status: 'NOT_START', progress: null });
    expect(view.properties.queuePosition).toBe(2);
    expect(view.properties.estimatedStartTime).toBeGreaterThan(Date.now() - 1000);
    await until(allFinished([first.body.result, second.body.result, third.body.result]), 30000, 100);
    const done = await fetchTask(alice, third.body.result);
    expect(done.status).toBe('SUCCESS');
    expect(done.properties.queuePosition).toBeUndefined();
    // The upstream's ids never reach the client; they are stored beside ours.
    const [row] = await t.sql<{ upstream_id: string }>('SELECT upstream_id FROM tasks WHERE mj_id = ?', [third.body.result]);
    expect(row.upstream_id).not.toBe(third.body.result);
    expect(channels[0].sim.tasks.has(row.upstream_id)).toBe(true);
    expect(JSON.stringify(done)).not.toContain(row.upstream_id);
  });

  it('serves 10 users × 20 submits on two 3+10 channels: none refused, completion within 2× across users', async () => {
    t = await createTestApp({ env: FAST_POLLS });
    channels.push(await addSimulatorChannel(t, { taskMs: 100, coreSize: 3, queueSize: 10 }));
    channels.push(await addSimulatorChannel(t, { taskMs: 100, coreSize: 3, queueSize: 10 }));
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => user(`user${i}`)));
    const started = Date.now();
    const byUser = await Promise.all(
      users.map(async (u) => {
        const ids: string[] = [];
        for (let i = 0; i < 20; i++) {
          const res = await imagine(u, `${u.id} ${i}`).expect(200);
          expect([1, 22]).toContain(res.body.code);
          ids.push(res.body.result);
        }
        return ids;
      }),
    );
    const rows = await until(allFinished(byUser.flat()), 120000, 200);
    expect(rows.every((r) => r.status === 'SUCCESS')).toBe(true);
    const finishOf = new Map(rows.map((r) => [r.mj_id, Number(r.finish_time)]));
    const completion = byUser.map((ids) => Math.max(...ids.map((id) => finishOf.get(id)!)) - started);
    expect(Math.max(...completion) / Math.min(...completion)).toBeLessThanOrEqual(2);
  });

  it('refuses a user at their cap with code 23 naming the cap, and does not charge them', async () => {
    t = await createTestApp({ env: { ...FAST_POLLS, QUEUE_USER_CAP: '3' } });
    channels.push(await addSimulatorChannel(t, { taskMs: 60000 }));
    const alice = await user('alice');
    for (let i = 0; i < 3; i++) await imagine(alice, `capped ${i}`).expect(200);
    const before = await balance(alice);
    const refused = await imagine(alice, 'one too many').expect(429);
    expect(refused.body).toMatchObject({ success: false, code: 23 });
    expect(refused.body.message).toMatch(/per-user cap/);
    expect(await balance(alice)).toBe(before);
    // An admin raises this user's cap: the next submit is taken.
    await t.http
      .patch(`/api/users/${alice.id}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ max_tasks: 4 })
      .expect(200);
    await imagine(alice, 'room again').expect(200);
    // A key's own cap, set when it is created, is named when it is the one reached.
    const capped = await createApiKey(t, alice.token, { name: 'capped', max_tasks: 1 });
    await t.http
      .patch(`/api/users/${alice.id}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ max_tasks: 100 })
      .expect(200);
    await t.http.post('/mj/submit/imagine').set('mj-api-secret', capped).send({ prompt: 'through the capped key' }).expect(200);
    const overKey = await t.http.post('/mj/submit/imagine').set('mj-api-secret', capped).send({ prompt: 'one more' }).expect(429);
    expect(overKey.body.message).toMatch(/API key's cap/);
    await imagine(alice, 'the other key still works').expect(200);
  });

  it('cancels a queued task: CANCEL, refunded in full, never sent upstream; a running one cannot be', async () => {
    t = await createTestApp({ env: FAST_POLLS });
    channels.push(await addSimulatorChannel(t, { taskMs: 60000 }));
    await t.http
      .patch(`/api/channels/${channels[0].id}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ max_running: 1, max_queued: 0 })
      .expect(200);
    const alice = await user('alice');
    const running = (await imagine(alice, 'running').expect(200)).body.result;
    const queued = await imagine(alice, 'waiting').expect(200);
    expect(queued.body.code).toBe(22);
    const before = await balance(alice);
    const cancelled = await t.http.post(`/mj/task/${queued.body.result}/cancel`).set('mj-api-secret', alice.key).expect(200);
    expect(cancelled.body).toMatchObject({ code: 1, result: queued.body.result });
    expect(await balance(alice)).toBe(before + PRICE);
    expect((await fetchTask(alice, queued.body.result)).status).toBe('CANCEL');
    const again = await t.http.post(`/mj/task/${queued.body.result}/cancel`).set('mj-api-secret', alice.key).expect(409);
    expect(again.body.message).toMatch(/CANCEL/);
    await t.http.post(`/mj/task/${running}/cancel`).set('mj-api-secret', alice.key).expect(409);
    await t.http.post(`/mj/task/123/cancel`).set('mj-api-secret', alice.key).expect(404);
    // The console's way: the dashboard API, with the user's login; the lists, /api/mj/queue and /metrics show the queue.
    const second = (await imagine(alice, 'waiting too').expect(200)).body.result;
    const listed = await t.http.get(`/api/mj/self?mj_id=${second}`).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(listed.body.data.items[0]).toMatchObject({ mj_id: second, status: 'NOT_START', code: 22, queue_position: 1 });
    expect(listed.body.data.items[0].estimated_start_time).toBeGreaterThan(0);
    const depths = await t.http
      .get('/api/mj/queue')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(depths.body.data.channels).toEqual(expect.arrayContaining([{ channel_id: 0, queued: 1, in_flight: 0 }]));
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/mj_queue_depth\{channel="any"\} 1/);
    expect(metrics.text).toMatch(new RegExp(`mj_tasks_in_flight\\{channel="${channels[0].id}"\\} 1`));
    const viaConsole = await t.http.post(`/api/mj/self/${second}/cancel`).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(viaConsole.body.data).toMatchObject({ mj_id: second, status: 'CANCEL' });
    await t.http.post(`/api/mj/self/${second}/cancel`).set('Authorization', `Bearer ${alice.token}`).expect(409);
    await t.http.post(`/api/mj/self/${running}/cancel`).set('Authorization', `Bearer ${alice.token}`).expect(409);
    expect(channels[0].sim.stats().routes['POST /mj/submit/imagine'].count).toBe(1);
    expect(await balance(alice)).toBe(before + PRICE);
    const admin = await t.http
      .get(`/api/mj/?mj_id=${running}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(admin.body.data.items[0].upstream_id).toMatch(/^\d+$/);
    expect(admin.body.data.items[0].upstream_id).not.toBe(running);
  });

  it('fails a task still queued at its deadline with a clear reason, refunded exactly once', async () => {
    t = await createTestApp({ env: { ...FAST_POLLS, QUEUE_DEADLINE_S: '1' } });
    channels.push(await addSimulatorChannel(t, { taskMs: 60000 }));
    await t.http
      .patch(`/api/channels/${channels[0].id}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ max_running: 1, max_queued: 0 })
      .expect(200);
    const alice = await user('alice');
    await imagine(alice, 'holds the channel').expect(200);
    const start = await balance(alice);
    const queued = (await imagine(alice, 'waits too long').expect(200)).body.result;
    expect(await balance(alice)).toBe(start - PRICE);
    await until(async () => (await fetchTask(alice, queued)).status === 'FAILURE', 15000, 100);
    const view = await fetchTask(alice, queued);
    expect(view.failReason).toMatch(/deadline/);
    expect(await balance(alice)).toBe(start);
    const ledger = await t.sql<{ kind: string }>('SELECT kind FROM ledger_entries WHERE task_id = (SELECT id FROM tasks WHERE mj_id = ?)', [
      queued,
    ]);
    expect(ledger.map((e) => e.kind).sort()).toEqual(['hold', 'release']);
  });

  it('dispatches a queued task only to a channel that can do it (its speed mode), though another has room first', async () => {
    t = await createTestApp({ env: FAST_POLLS });
    const admin = await t.adminToken();
    // A (preferred) serves fast and turbo only; B serves everything. One task at a time each, nothing queued upstream.
    const a = await addSimulatorChannel(t, { name: 'fast only', priority: 10, taskMs: 200, coreSize: 1, queueSize: 0 });
    const b = await addSimulatorChannel(t, { name: 'any mode', priority: 0, taskMs: 200, coreSize: 1, queueSize: 0 });
    channels.push(a, b);
    await t.http
      .patch(`/api/channels/${a.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ capabilities: { modes: ['fast', 'turbo'] } })
      .expect(200);
    const alice = await user('alice');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.http
        .post('/mj-relax/mj/submit/imagine')
        .set('mj-api-secret', alice.key)
        .send({ prompt: `slow ${i}` })
        .expect(200);
      expect([1, 22]).toContain(res.body.code);
      ids.push(res.body.result);
    }
    const rows = await until(allFinished(ids), 30000, 100);
    expect(rows.map((r) => r.status)).toEqual(Array(4).fill('SUCCESS'));
    // A had room all along, but never got a relax task: the queue waited for B.
    expect(a.sim.stats().routes['POST /mj/submit/imagine']?.count ?? 0).toBe(0);
    expect(b.sim.stats().routes['POST /mj/submit/imagine'].count).toBe(4);
  });
});
