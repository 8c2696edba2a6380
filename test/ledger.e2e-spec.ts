import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel } from './upstream';

interface Entry {
  id: number;
  user_id: number;
  task_id: number;
  kind: string;
  amount: number;
  balance_after: number;
  reason: string;
  actor_id: number;
  created_at: number;
}

describe('the ledger (/api/ledger, /api/ledger/self)', () => {
  let t: TestApp;
  let sim: TestChannel;
  let admin: string;
  let adminId: number;
  let alice: { id: number; token: string };
  let bob: { id: number; token: string };
  let aliceTask: number;
  let started: number;

  beforeAll(async () => {
    started = Math.floor(Date.now() / 1000);
    t = await createTestApp({ env: { POLLING_ENABLED: 'false' } });
    sim = await addSimulatorChannel(t, { taskMs: 60000 });
    admin = await t.adminToken();
    adminId = (await t.http.get('/api/user/self').set('Authorization', `Bearer ${admin}`).expect(200)).body.data.id;
    // alice: a starting balance, two accepted submits and one the upstream refuses; bob: a starting balance, one
    // submit and an admin's top-up.
    alice = await t.createUser({ username: 'alice', quota: 1_000_000 });
    bob = await t.createUser({ username: 'bob', quota: 500_000 });
    const [aliceKey, bobKey] = [await createApiKey(t, alice.token), await createApiKey(t, bob.token)];
    const submit = (key: string, prompt: string) =>
      t.http.post('/mj/submit/imagine').set('mj-api-secret', key).send({ prompt }).expect(200);
    const first = await submit(aliceKey, 'a fox');
    await submit(aliceKey, 'a cat');
    await submit(aliceKey, 'a banned cat --sim-banned');
    await submit(bobKey, 'a dog');
    await t.http
      .post(`/api/users/${bob.id}/quota`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ amount: 70_000, reason: 'invoice 7' })
      .expect(200);
    aliceTask = (await t.sql<{ id: number }>('SELECT id FROM tasks WHERE mj_id = ?', [first.body.result]))[0].id;
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
  });

  const asAdmin = (query = '') => t.http.get(`/api/ledger${query}`).set('Authorization', `Bearer ${admin}`);
  const mine = (token: string, query = '') => t.http.get(`/api/ledger/self${query}`).set('Authorization', `Bearer ${token}`);
  const kinds = (items: Entry[]) => items.map((e) => [e.kind, e.amount]);

  describe('GET /api/ledger (admin)', () => {
    it("lists every user's movements, newest first, with exactly the documented fields", async () => {
      const res = await asAdmin().expect(200);
      expect(res.body).toMatchObject({ success: true, message: '' });
      expect(res.body.data).toMatchObject({ total: 11, page: 1, page_size: 20 });
      const items: Entry[] = res.body.data.items;
      expect(items).toHaveLength(11);
      expect(items.map((e) => e.id)).toEqual([...items.map((e) => e.id)].sort((a, b) => b - a));
      expect(new Set(items.map((e) => e.user_id))).toEqual(new Set([alice.id, bob.id]));
      expect(Object.keys(items[0]).sort()).toEqual([
        'actor_id',
        'amount',
        'balance_after',
        'created_at',
        'id',
        'kind',
        'reason',
        'task_id',
        'user_id',
      ]);
      expect(items[0]).toMatchObject({
        user_id: bob.id,
        kind: 'adjustment',
        amount: 70_000,
        balance_after: 520_000,
        reason: 'invoice 7',
        actor_id: adminId,
        task_id: 0,
      });
      for (const entry of items) {
        expect(entry.created_at).toBeGreaterThanOrEqual(started - 1);
        expect(entry.created_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
      }
    });

    it("shows each user's movements adding up to the balance the user sees", async () => {
      for (const user of [alice, bob]) {
        const items: Entry[] = (await asAdmin(`?user_id=${user.id}`).expect(200)).body.data.items;
        let running = 0;
        for (const entry of [...items].reverse()) {
          running += entry.amount;
          expect([entry.id, entry.balance_after]).toEqual([entry.id, running]);
        }
        const self = await t.http.get('/api/user/self').set('Authorization', `Bearer ${user.token}`).expect(200);
        expect(self.body.data.quota).toBe(running);
      }
    });

    it('filters by user, task and kind, alone and together', async () => {
      const alices = await asAdmin(`?user_id=${alice.id}`).expect(200);
      expect(alices.body.data.total).toBe(7);
      expect(kinds(alices.body.data.items)).toEqual([
        ['release', 50_000],
        ['hold', -50_000],
        ['capture', 0],
        ['hold', -50_000],
        ['capture', 0],
        ['hold', -50_000],
        ['adjustment', 1_000_000],
      ]);
      const task = await asAdmin(`?task_id=${aliceTask}`).expect(200);
      expect(task.body.data.items.map((e: Entry) => [e.task_id, e.kind])).toEqual([
        [aliceTask, 'capture'],
        [aliceTask, 'hold'],
      ]);
      const holds = await asAdmin('?kind=hold').expect(200);
      expect(holds.body.data.total).toBe(4);
      expect(holds.body.data.items.every((e: Entry) => e.kind === 'hold' && e.amount === -50_000)).toBe(true);
      const bobsHolds = await asAdmin(`?kind=hold&user_id=${bob.id}`).expect(200);
      expect(bobsHolds.body.data).toMatchObject({ total: 1, items: [{ user_id: bob.id, kind: 'hold', reason: 'IMAGINE submitted' }] });
      expect((await asAdmin(`?user_id=${alice.id}&task_id=${aliceTask}&kind=refund`).expect(200)).body.data).toMatchObject({
        total: 0,
        items: [],
      });
      expect((await asAdmin('?user_id=999999').expect(200)).body.data).toMatchObject({ total: 0, items: [] });
    });

    it('pages through everything exactly once, and caps the page size at 100', async () => {
      const everything: Entry[] = (await asAdmin('?page_size=100').expect(200)).body.data.items;
      const paged: number[] = [];
      for (let p = 1; p <= 3; p++) {
        const res = await asAdmin(`?p=${p}&page_size=5`).expect(200);
        expect(res.body.data).toMatchObject({ total: 11, page: p, page_size: 5 });
        paged.push(...res.body.data.items.map((e: Entry) => e.id));
      }
      expect(paged).toEqual(everything.map((e) => e.id));
      expect((await asAdmin('?p=4&page_size=5').expect(200)).body.data).toMatchObject({ total: 11, items: [] });
      expect((await asAdmin('?page_size=1000').expect(200)).body.data.page_size).toBe(100);
    });

    it.each([
      ['?kind=bonus', 'kind', /^kind must be one of: hold, capture, release, refund, adjustment$/],
      ['?user_id=0', 'user_id', /^user_id must be an integer >= 1$/],
      ['?user_id=abc', 'user_id', /^user_id must be an integer >= 1$/],
      ['?task_id=-3', 'task_id', /^task_id must be an integer >= 1$/],
      ['?task_id=99999999999', 'task_id', /^task_id is out of range$/],
      ['?p=0', 'p', /^p must be an integer >= 1$/],
      ['?page_size=x', 'page_size', /^page_size must be an integer >= 1$/],
    ])('refuses %s with 400, naming the field', async (query, field, message) => {
      const res = await asAdmin(query).expect(400);
      expect(res.body).toMatchObject({ success: false, errors: { [field]: expect.stringMatching(message) } });
      expect(res.body.message).toMatch(message);
    });

    it('is refused to a user (403) and to anyone without a token (401)', async () => {
      const user = await t.http.get('/api/ledger').set('Authorization', `Bearer ${alice.token}`).expect(403);
      expect(user.body).toMatchObject({ success: false });
      expect(user.body.data).toBeUndefined();
      expect(JSON.stringify(user.body)).not.toContain('balance_after');
      const anonymous = await t.http.get('/api/ledger').expect(401);
      expect(anonymous.body).toMatchObject({ success: false });
      await t.http.get(`/api/ledger?user_id=${alice.id}`).set('Authorization', `Bearer ${bob.token}`).expect(403);
    });
  });

  describe('GET /api/ledger/self', () => {
    it("lists only the caller's movements, newest first", async () => {
      const res = await mine(alice.token).expect(200);
      expect(res.body.data).toMatchObject({ total: 7, page: 1, page_size: 20 });
      expect(res.body.data.items.every((e: Entry) => e.user_id === alice.id)).toBe(true);
      expect(kinds(res.body.data.items)).toEqual(kinds((await asAdmin(`?user_id=${alice.id}`)).body.data.items));
      const bobs = await mine(bob.token).expect(200);
      expect(bobs.body.data.total).toBe(4);
      expect(kinds(bobs.body.data.items)).toEqual([
        ['adjustment', 70_000],
        ['capture', 0],
        ['hold', -50_000],
        ['adjustment', 500_000],
      ]);
    });

    it("never shows another user's movements, whatever the query asks for", async () => {
      for (const query of [`?user_id=${bob.id}`, `?task_id=${aliceTask}`, `?user_id=${bob.id}&kind=adjustment`]) {
        const res = await mine(bob.token, query).expect(200);
        expect([query, res.body.data.total]).toEqual([query, 4]);
        expect(res.body.data.items.every((e: Entry) => e.user_id === bob.id)).toBe(true);
      }
    });

    it('shows an admin their own movements only', async () => {
      const res = await mine(admin).expect(200);
      expect(res.body.data).toMatchObject({ total: 0, items: [] });
    });

    it('pages, and refuses a bad page with 400', async () => {
      const first = await mine(alice.token, '?page_size=4').expect(200);
      const second = await mine(alice.token, '?page_size=4&p=2').expect(200);
      expect(first.body.data.items).toHaveLength(4);
      expect(second.body.data.items).toHaveLength(3);
      const ids = [...first.body.data.items, ...second.body.data.items].map((e: Entry) => e.id);
      expect(new Set(ids).size).toBe(7);
      const bad = await mine(alice.token, '?p=-1').expect(400);
      expect(bad.body).toMatchObject({ success: false, message: 'p must be an integer >= 1' });
    });

    it('is refused to anyone without a valid token (401)', async () => {
      await t.http.get('/api/ledger/self').expect(401);
      await t.http.get('/api/ledger/self').set('Authorization', 'Bearer not-a-token').expect(401);
    });
  });
});
