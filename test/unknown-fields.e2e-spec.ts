import { createTestApp, TestApp } from './app';
import { PNG_DATA_URL } from './upstream';

/**
 * A misspelled setting (`prioirty` for `priority`) used to be dropped silently and answered 200, so an admin believed
 * it was saved. Every dashboard route with a body now names the field it does not know; nothing is written.
 */
describe('a body field the API does not know is a 400 naming it, on every dashboard route', () => {
  let t: TestApp;
  let admin: string;
  let alice: { id: number; token: string };
  let channelId: number;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    alice = await t.createUser({ username: 'alice' });
    const channel = await t.http
      .post('/api/channels')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'main', base_url: 'http://127.0.0.1:9', secret: 's', priority: 1 })
      .expect(201);
    channelId = channel.body.data.id;
  });

  afterAll(() => t.close());

  const refused = async (method: 'post' | 'patch' | 'put', path: string, body: object, field: string, token = admin) => {
    const res = await t.http[method](path).set('Authorization', `Bearer ${token}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, message: `${field} is not a field of this request` });
    expect(res.body.errors).toEqual({ [field]: `${field} is not a field of this request` });
  };

  it('channels: a misspelled setting is refused and nothing changes', async () => {
    await refused('patch', `/api/channels/${channelId}`, { prioirty: 5 }, 'prioirty');
    await refused('post', '/api/channels', { name: 'second', base_url: 'http://127.0.0.1:9', secret: 's', enabeld: false }, 'enabeld');
    const channels = await t.http.get('/api/channels').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(channels.body.data.items.map((c: { name: string; priority: number }) => [c.name, c.priority])).toEqual([['main', 1]]);
    // Known fields still work.
    await t.http.patch(`/api/channels/${channelId}`).set('Authorization', `Bearer ${admin}`).send({ priority: 5 }).expect(200);
  });

  it('users, quota, prices, API keys and login', async () => {
    await refused('post', '/api/users', { username: 'bob', password: 'a-long-password', quta: 5 }, 'quta');
    await refused('patch', `/api/users/${alice.id}`, { rol: 'admin' }, 'rol');
    await refused('post', `/api/users/${alice.id}/quota`, { amount: 5, reason: 'gift', bonus: 1 }, 'bonus');
    await refused('put', '/api/prices/IMAGINE', { quota: 5, currency: 'USD' }, 'currency');
    await refused('post', '/api/tokens', { name: 'k', expires: 1 }, 'expires', alice.token);
    const login = await t.http.post('/api/auth/login').send({ username: 'alice', password: 'x', remember: true }).expect(400);
    expect(login.body.message).toBe('remember is not a field of this request');
    const users = await t.http.get('/api/users').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(users.body.data.items.map((u: { username: string }) => u.username)).not.toContain('bob');
    const self = await t.http.get('/api/user/self').set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(self.body.data).toMatchObject({ role: 'user', quota: 0 });
  });

  it("leaves the relay's protocol bodies alone: clients send fields the gateway does not use", async () => {
    const key = (await t.http.post('/api/tokens').set('Authorization', `Bearer ${alice.token}`).send({ name: 'k' }).expect(201)).body.data
      .key;
    // Dooy's imagine body carries state, notifyHook and botType; the submit is refused for quota (402), not for fields.
    const res = await t.http
      .post('/mj/submit/imagine')
      .set('mj-api-secret', key)
      .send({ base64Array: [PNG_DATA_URL], notifyHook: '', prompt: 'a cat', state: '', botType: 'MID_JOURNEY', accountFilter: {} });
    expect(res.status).not.toBe(400);
  });
});
