import { TaskEvent, TaskEvents } from '@app/core';
import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until, upstreamIdOf } from './upstream';

interface Row {
  id: number;
  status: string;
  progress: string;
  fail_reason: string;
  quota: string;
  image_url: string;
  buttons: unknown[];
}

describe('polling: every task reaches its true final state, refunded exactly once', () => {
  let t: TestApp;
  let fast: TestChannel;
  let alice: { id: number; token: string };
  let key: string;
  const events: TaskEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        POLL_INTERVAL_MS: '100',
        POLL_MAX_BACKOFF_MS: '300',
        POLL_REQUEST_TIMEOUT_MS: '800',
        TASK_DEADLINE_S: '4',
        POLL_LOST_AFTER: '3',
      },
    });
    fast = await addSimulatorChannel(t, { secret: 'fast', taskMs: 700, coreSize: 50, queueSize: 100, priority: 10 });
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
    t.app.get(TaskEvents).subscribe((event) => events.push(event));
  });

  afterAll(async () => {
    await t.close();
    await fast.sim.close();
  });

  const submit = async (prompt: string): Promise<string> => {
    const res = await t.http.post('/mj/submit/imagine').set('Authorization', `Bearer ${key}`).send({ prompt });
    expect([res.status, res.body.code]).toEqual([200, 1]);
    return res.body.result;
  };
  const row = async (mjId: string) => (await t.sql<Row>('SELECT * FROM tasks WHERE mj_id = ?', [mjId]))[0];
  const finished = (mjId: string, timeoutMs = 15000) =>
    until(async () => {
      const r = await row(mjId);
      return ['SUCCESS', 'FAILURE', 'CANCEL'].includes(r.status) && r;
    }, timeoutMs);
  const ledger = async (taskId: number) =>
    (await t.sql<{ kind: string; amount: string }>('SELECT kind, amount FROM ledger_entries WHERE task_id = ? ORDER BY id', [taskId])).map(
      (e) => `${e.kind} ${Number(e.amount)}`,
    );

  it('follows a task through its progress steps to SUCCESS, with buttons and image, and keeps the charge', async () => {
    const mjId = await submit('a fox in the snow');
    const done = await finished(mjId);
    expect(done).toMatchObject({ status: 'SUCCESS', progress: '100%', fail_reason: '' });
    expect(done.image_url).toContain(`/sim/images/${await upstreamIdOf(t, mjId)}/`);
    expect(done.buttons.map((b) => (b as { label: string }).label)).toEqual(expect.arrayContaining(['U1', 'U4', 'V1']));
    expect(Number(done.quota)).toBe(50000);
    expect(await ledger(done.id)).toEqual(['hold -50000', 'capture 0']);
    const seen = events.filter((e) => e.mj_id === mjId).map((e) => `${e.status} ${e.progress}`);
    expect(seen.at(-1)).toBe('SUCCESS 100%');
    expect(seen.filter((s) => s.startsWith('IN_PROGRESS')).length).toBeGreaterThanOrEqual(2);
    const percents = seen.map((s) => Number(/(\d+)%/.exec(s)?.[1] ?? 0));
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it.each([
    ['--sim-fail', /\S/],
    ['--sim-silent-fail', /without a reason/],
    ['--sim-banned-late', /可能包含敏感词/],
  ])('fails and refunds %s', async (token, reason) => {
    const mjId = await submit(`a cat ${token}`);
    const done = await finished(mjId);
    expect(done.status).toBe('FAILURE');
    expect(done.fail_reason).toMatch(reason);
    expect(Number(done.quota)).toBe(0);
    expect(await ledger(done.id)).toEqual(['hold -50000', 'capture 0', 'refund 50000']);
  });

  it('fails a hung task at its deadline, on our clock, and refunds it', async () => {
    const mjId = await submit('a dog --sim-hang');
    const done = await finished(mjId, 20000);
    expect(done).toMatchObject({ status: 'FAILURE' });
    expect(done.fail_reason).toMatch(/Timed out: not finished within 4 s/);
    expect(await ledger(done.id)).toEqual(['hold -50000', 'capture 0', 'refund 50000']);
  });

  it('writes a running task only when the upstream says something new of it, whatever order its keys come in', async () => {
    // A hung task: the upstream answers the same view of it every poll. With callbacks on, the channel is given our
    // notifyHook, and the task's properties come back from the jsonb column with their keys in PostgreSQL's order
    // (nonce, notifyHook, discordInstanceId), not the upstream's (nonce, discordInstanceId, notifyHook).
    const admin = await t.adminToken();
    await t.http.patch(`/api/channels/${fast.id}`).set('Authorization', `Bearer ${admin}`).send({ notify_enabled: true }).expect(200);
    let mjId: string;
    try {
      mjId = await submit('a heron --sim-hang-submitted');
    } finally {
      await t.http.patch(`/api/channels/${fast.id}`).set('Authorization', `Bearer ${admin}`).send({ notify_enabled: false }).expect(200);
    }
    const first = await until(async () => {
      const [r] = await t.sql<{ status: string; updated_at: string; properties: Record<string, unknown> }>(
        'SELECT status, updated_at, properties FROM tasks WHERE mj_id = ?',
        [mjId],
      );
      return r.status !== 'NOT_START' && r;
    }, 5000);
    expect(Object.keys(first.properties)).toEqual(expect.arrayContaining(['nonce', 'discordInstanceId', 'notifyHook']));
    const eventsBefore = events.filter((e) => e.mj_id === mjId).length;
    // Polls at 100 ms, backing off to 300 ms: several of them in 1.5 s.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [later] = await t.sql<{ status: string; updated_at: string }>('SELECT status, updated_at FROM tasks WHERE mj_id = ?', [mjId]);
    expect([later.status, later.updated_at]).toEqual([first.status, first.updated_at]);
    expect(events.filter((e) => e.mj_id === mjId).length).toBe(eventsBefore);
  });

  it('detects a task the upstream lost, and refunds it', async () => {
    const mjId = await submit('a bird --sim-lost');
    const done = await finished(mjId);
    expect(done.status).toBe('FAILURE');
    expect(done.fail_reason).toBe('The upstream lost this task');
    expect(await ledger(done.id)).toEqual(['hold -50000', 'capture 0', 'refund 50000']);
  });

  it.each([['http500=1'], ['garbage=1'], ['empty=1'], ['delay=1500']])(
    'fails nothing while the upstream answers %s, and finishes the task once it recovers',
    async (fault) => {
      const mjId = await submit(`an owl under ${fault}`);
      fast.sim.setFaults(fault);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect((await row(mjId)).status).not.toBe('FAILURE');
      } finally {
        fast.sim.setFaults('');
      }
      expect((await finished(mjId)).status).toBe('SUCCESS');
    },
  );

  it('reads tasks whose times come as floats', async () => {
    fast.sim.setFaults('floattimes=1');
    try {
      const mjId = await submit('a whale with float times');
      expect((await finished(mjId)).status).toBe('SUCCESS');
    } finally {
      fast.sim.setFaults('');
    }
  });

  it('fails and refunds the unfinished tasks of a deleted channel', async () => {
    const doomed = await addSimulatorChannel(t, { taskMs: 60000, coreSize: 10, priority: 30 });
    try {
      const mjId = await submit('on a channel about to go');
      expect(doomed.sim.tasks.has(await upstreamIdOf(t, mjId))).toBe(true);
      await t.http
        .delete(`/api/channels/${doomed.id}`)
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .expect(200);
      const done = await finished(mjId);
      expect(done).toMatchObject({ status: 'FAILURE', fail_reason: 'The channel of this task was deleted' });
      expect(await ledger(done.id)).toEqual(['hold -50000', 'capture 0', 'refund 50000']);
    } finally {
      await doomed.sim.close();
    }
  });

  it('keeps polling a fast channel while another one hangs', async () => {
    const slow = await addSimulatorChannel(t, { secret: 'slow', taskMs: 700, coreSize: 50, queueSize: 100, priority: 20 });
    try {
      const stuck = await submit('on the slow channel');
      slow.sim.setFaults('delay=5000');
      await t.http
        .patch(`/api/channels/${slow.id}`)
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .send({ priority: 0 })
        .expect(200);
      const quick = await submit('on the fast channel');
      expect((await finished(quick)).status).toBe('SUCCESS');
      expect((await row(stuck)).status).not.toMatch(/SUCCESS|FAILURE/);
    } finally {
      slow.sim.setFaults('');
      await slow.sim.close();
    }
  });
});
