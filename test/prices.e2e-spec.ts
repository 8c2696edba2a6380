import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel } from './upstream';

interface Price {
  action: string;
  quota: number;
  custom: boolean;
}

describe('prices (/api/prices)', () => {
  let t: TestApp;
  let sim: TestChannel;
  let admin: string;
  let alice: { id: number; token: string };
  let key: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { POLLING_ENABLED: 'false' } });
    sim = await addSimulatorChannel(t, { taskMs: 60000 });
    admin = await t.adminToken();
    alice = await t.createUser({ username: 'alice', quota: 1_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
  });

  const list = async (token = alice.token): Promise<Price[]> =>
    (await t.http.get('/api/prices').set('Authorization', `Bearer ${token}`).expect(200)).body.data.items;
  const setPrice = (action: string, body: unknown, token = admin) =>
    t.http
      .put(`/api/prices/${action}`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const priceOf = async (action: string) => (await list()).find((p) => p.action === action);
  const balance = async () =>
    (await t.http.get('/api/user/self').set('Authorization', `Bearer ${alice.token}`).expect(200)).body.data.quota as number;
  const imagine = (prompt: string) => t.http.post('/mj/submit/imagine').set('mj-api-secret', key).send({ prompt }).expect(200);
  const myLedger = async () =>
    (await t.http.get('/api/ledger/self').set('Authorization', `Bearer ${alice.token}`).expect(200)).body.data.items;

  it('shows every user the default price of each action, sorted by action', async () => {
    const items = await list();
    expect(items.map((p) => p.action)).toEqual([...items.map((p) => p.action)].sort());
    expect(items).toEqual(
      expect.arrayContaining([
        { action: 'IMAGINE', quota: 50_000, custom: false },
        { action: 'UPSCALE', quota: 25_000, custom: false },
        { action: 'VIDEO', quota: 400_000, custom: false },
        { action: 'INPAINT', quota: 0, custom: false },
        { action: 'MODAL', quota: 50_000, custom: false },
      ]),
    );
    expect(items.every((p) => !p.custom && Number.isInteger(p.quota) && p.quota >= 0)).toBe(true);
    expect(await list(admin)).toEqual(items);
  });

  it('is refused to anyone without a token (401)', async () => {
    const res = await t.http.get('/api/prices').expect(401);
    expect(res.body).toMatchObject({ success: false });
  });

  it('lets only an admin set a price: a user gets 403, no token 401, and nothing changes', async () => {
    const user = await setPrice('IMAGINE', { quota: 1 }, alice.token).expect(403);
    expect(user.body).toMatchObject({ success: false });
    const anonymous = await t.http.put('/api/prices/IMAGINE').send({ quota: 1 }).expect(401);
    expect(anonymous.body).toMatchObject({ success: false });
    expect(await priceOf('IMAGINE')).toEqual({ action: 'IMAGINE', quota: 50_000, custom: false });
  });

  it.each([
    ['a negative quota', 'IMAGINE', { quota: -1 }, 'quota', 'quota must be an integer >= 0'],
    ['a fractional quota', 'IMAGINE', { quota: 1.5 }, 'quota', 'quota must be an integer >= 0'],
    ['a quota given as text', 'IMAGINE', { quota: '60000' }, 'quota', 'quota must be an integer >= 0'],
    ['no quota', 'IMAGINE', {}, 'quota', 'quota must be an integer >= 0'],
    ['a quota past the safe integers', 'IMAGINE', { quota: 2 ** 60 }, 'quota', 'quota is out of range'],
    ['an action in lower case', 'imagine', { quota: 1 }, 'action', expect.stringContaining('action must be')],
    ['an action with other characters', 'IMAGINE%3B', { quota: 1 }, 'action', expect.stringContaining('action must be')],
    ['an action the gateway does not have', 'TELEPORT', { quota: 1 }, 'action', expect.stringContaining('action must be')],
  ])('refuses %s with 400, naming the field, and changes nothing', async (_name, action, body, field, message) => {
    const res = await setPrice(action, body).expect(400);
    expect(res.body).toEqual({ success: false, message, errors: { [field]: message } });
    expect((await list()).every((p) => !p.custom)).toBe(true);
  });

  it('sets a price that the list shows and the next submit holds', async () => {
    const res = await setPrice('IMAGINE', { quota: 60_000 }).expect(200);
    expect(res.body).toEqual({ success: true, message: '', data: { action: 'IMAGINE', quota: 60_000, custom: true } });
    expect(await priceOf('IMAGINE')).toEqual({ action: 'IMAGINE', quota: 60_000, custom: true });

    const before = await balance();
    const submitted = await imagine('a fox at 60000');
    expect(submitted.body.code).toBe(1);
    expect(await balance()).toBe(before - 60_000);
    const [capture, hold] = await myLedger();
    expect(hold).toMatchObject({ kind: 'hold', amount: -60_000, balance_after: before - 60_000, reason: 'IMAGINE submitted' });
    expect(capture).toMatchObject({ kind: 'capture', amount: 0, task_id: hold.task_id });
    const tasks = await t.http.get('/api/mj/self').set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(tasks.body.data.items[0]).toMatchObject({ mj_id: submitted.body.result, quota: 60_000 });
  });

  it('changes a price again, and a price of 0 makes the action free', async () => {
    await setPrice('IMAGINE', { quota: 0 }).expect(200);
    expect(await priceOf('IMAGINE')).toEqual({ action: 'IMAGINE', quota: 0, custom: true });
    const before = await balance();
    const entriesBefore = (await myLedger()).length;
    expect((await imagine('a free fox')).body.code).toBe(1);
    expect(await balance()).toBe(before);
    expect(await myLedger()).toHaveLength(entriesBefore);
  });

  it('lists and prices every action the relay bills, VIDEO_EXTEND too', async () => {
    expect(await priceOf('VIDEO_EXTEND')).toEqual({ action: 'VIDEO_EXTEND', quota: 50_000, custom: false });
    await setPrice('VIDEO_EXTEND', { quota: 123_000 }).expect(200);
    expect(await priceOf('VIDEO_EXTEND')).toEqual({ action: 'VIDEO_EXTEND', quota: 123_000, custom: true });
  });

  it('leaves other actions at their defaults', async () => {
    expect(await priceOf('UPSCALE')).toEqual({ action: 'UPSCALE', quota: 25_000, custom: false });
    const before = await balance();
    const res = await t.http.post('/mj/submit/shorten').set('mj-api-secret', key).send({ prompt: 'a long prompt' }).expect(200);
    expect(res.body.code).toBe(1);
    expect(await balance()).toBe(before - 50_000);
  });
});
