import { MikroORM, RequestContext } from '@mikro-orm/core';
import { TaskStore } from '@app/mj';
import { PollingService } from '@app/polling';
import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel } from './upstream';

interface Schedule {
  mj_id: string;
  next_poll_at: string;
  idle_polls: number;
}

const LEASE_MS = 10_000;
const BUCKETS = 64;

describe('polling instances share the schedule by buckets, and a changed task keeps its schedule row', () => {
  let t: TestApp;
  let store: TaskStore;
  let channel: TestChannel;
  let key: string;

  beforeAll(async () => {
    // Passes are run by hand here; the claim limit is what the last test reaches.
    t = await createTestApp({ env: { POLLING_ENABLED: 'false', POLL_CLAIM_LIMIT: '3', POLL_INTERVAL_MS: '1000' } });
    store = t.app.get(TaskStore);
    channel = await addSimulatorChannel(t, { secret: 'buckets', taskMs: 100 });
    const alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await channel.sim.close();
  });

  /** Nobody holds a bucket, no worker has been seen, and these tasks (only they) are due. */
  const freshSchedule = async (mjIds: string[]) => {
    await t.sql('UPDATE poll_buckets SET holder = ?, leased_until = 0', ['']);
    await t.sql('DELETE FROM poll_workers');
    await t.sql(
      `UPDATE task_polls p SET next_poll_at = CASE WHEN t.mj_id IN (?) THEN 1 ELSE 8000000000000000 END, idle_polls = 0
       FROM tasks t WHERE t.id = p.task_id`,
      [mjIds],
    );
  };

  describe('claims', () => {
    let due: string[];

    beforeAll(async () => {
      // 640 unfinished tasks, ten in each bucket: written straight into the table (submitting is not what this is about).
      const [user] = await t.sql<{ id: number }>(`SELECT id FROM users WHERE username = 'alice'`);
      const rows = await t.sql<{ mj_id: string }>(
        `INSERT INTO tasks (user_id, channel_id, mj_id, upstream_id, action, status, progress, submit_time, deadline_at)
         SELECT ?, ?, 'bucket-' || g, 'up-' || g, 'IMAGINE', 'SUBMITTED', '0%', 1, 8000000000000000 FROM generate_series(1, ?) g
         RETURNING mj_id`,
        [user.id, channel.id, BUCKETS * 10],
      );
      due = rows.map((row) => row.mj_id);
    });

    const claim = async (worker: string, now: number, limit = 10_000) => {
      const tasks = await store.claimDue(worker, now, now + LEASE_MS, limit);
      return new Set(tasks.map((task) => task.mjId));
    };

    it('gives a lone instance every due task, most overdue first, up to its limit', async () => {
      await freshSchedule(due);
      await t.sql(`UPDATE task_polls p SET next_poll_at = 0 FROM tasks t WHERE t.id = p.task_id AND t.mj_id IN ('bucket-7', 'bucket-9')`);
      expect((await claim('a', Date.now())).size).toBe(640);
      expect([...(await claim('a', Date.now(), 2))].sort()).toEqual(['bucket-7', 'bucket-9']);
    });

    it('splits the due tasks between live instances, none claimed by both, and hands a leaving one’s share over', async () => {
      await freshSchedule(due);
      const now = Date.now();
      expect((await claim('a', now)).size).toBe(640);
      // b is new: a holds every bucket until its next pass, so b waits rather than polling a's tasks as well.
      expect((await claim('b', now + 1)).size).toBe(0);
      // a sees b, keeps half the buckets and lets the rest go; b takes them.
      const a = await claim('a', now + 2);
      const b = await claim('b', now + 3);
      expect([a.size, b.size]).toEqual([320, 320]);
      expect(new Set([...a, ...b]).size).toBe(640);
      // a shuts down: its half is b's at b's next pass, not when a's lease runs out.
      await store.releaseBuckets('a');
      expect((await claim('b', now + 4)).size).toBe(640);
    });

    it('takes over the buckets of an instance that died once its lease ran out', async () => {
      await freshSchedule(due);
      const now = Date.now();
      expect((await claim('dying', now)).size).toBe(640);
      expect((await claim('c', now + 1)).size).toBe(0);
      // Its lease ran out and it was not seen since: it no longer counts, and every bucket is c's.
      expect((await claim('c', now + LEASE_MS + 1)).size).toBe(640);
    });

    afterAll(async () => {
      await t.sql(`DELETE FROM tasks WHERE mj_id LIKE 'bucket-%'`);
    });
  });

  describe('passes', () => {
    const submit = async (prompt: string): Promise<string> => {
      const res = await t.http.post('/mj/submit/imagine').set('Authorization', `Bearer ${key}`).send({ prompt });
      expect([res.status, res.body.code]).toEqual([200, 1]);
      return res.body.result;
    };
    const pass = () => {
      const orm = t.app.get(MikroORM);
      return RequestContext.create(orm.em, () => t.app.get(PollingService).pass());
    };
    const schedules = async (mjIds: string[]) =>
      Object.fromEntries(
        (
          await t.sql<Schedule>(
            `SELECT t.mj_id, p.next_poll_at, p.idle_polls FROM task_polls p JOIN tasks t ON t.id = p.task_id WHERE t.mj_id IN (?)`,
            [mjIds],
          )
        ).map((row) => [row.mj_id, { next: Number(row.next_poll_at), idle: row.idle_polls }]),
      );
    const status = async (mjId: string) => (await t.sql<{ status: string }>('SELECT status FROM tasks WHERE mj_id = ?', [mjId]))[0].status;

    it('writes no schedule row for a changed task, backs off an unchanged one, and writes both when the pass is full', async () => {
      // Both stop at SUBMITTED upstream and stay there.
      const moving = await submit('a fox --sim-hang-submitted');
      const still = await submit('an owl --sim-hang-submitted');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await freshSchedule([moving, still]);

      // Both change (NOT_START here, SUBMITTED there): their rows are written, their schedule rows are not. They are
      // still due, so the next pass polls them again, as a changed task's next poll would say.
      expect(await pass()).toMatchObject({ claimed: 2, changed: 2 });
      expect([await status(moving), await status(still)]).toEqual(['SUBMITTED', 'SUBMITTED']);
      expect(await schedules([moving, still])).toEqual({ [moving]: { next: 1, idle: 0 }, [still]: { next: 1, idle: 0 } });

      // One has moved on again (put back here), the other has not: that one backs off.
      await t.sql(`UPDATE tasks SET status = 'NOT_START', progress = '' WHERE mj_id = ?`, [moving]);
      const before = Date.now();
      expect(await pass()).toMatchObject({ claimed: 2, changed: 1 });
      const after = await schedules([moving, still]);
      expect(after[moving]).toEqual({ next: 1, idle: 0 });
      expect(after[still].idle).toBe(1);
      expect(after[still].next).toBeGreaterThan(before);

      // A pass that takes as many tasks as it may (3) writes every next poll: the most overdue go first next time.
      const third = await submit('a cat --sim-hang-submitted');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await freshSchedule([moving, still, third]);
      await t.sql(`UPDATE tasks SET status = 'NOT_START', progress = '' WHERE mj_id = ?`, [moving]);
      const full = Date.now();
      expect(await pass()).toMatchObject({ claimed: 3, changed: 2 });
      const written = await schedules([moving, still, third]);
      for (const mjId of [moving, still, third]) expect(written[mjId].next).toBeGreaterThan(full);
    });
  });
});
