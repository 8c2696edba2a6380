import { ADMIN, createTestApp, TestApp } from './app';

describe('auth and users (/api/auth, /api/user, /api/users)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT: '5', LOGIN_RATE_WINDOW_S: '60' } });
    admin = await t.adminToken();
  });

  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => t.http.get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => t.http.post(path).set('Authorization', `Bearer ${token}`),
    patch: (path: string) => t.http.patch(path).set('Authorization', `Bearer ${token}`),
    delete: (path: string) => t.http.delete(path).set('Authorization', `Bearer ${token}`),
  });

  it('logs the first-start admin in and answers the token in the documented shape', async () => {
    const res = await t.http.post('/api/auth/login').send(ADMIN).expect(200);
    expect(res.body).toMatchObject({
      success: true,
      data: { token_type: 'Bearer', expires_in: 7 * 86400, user: { username: 'admin', role: 'admin' } },
    });
    expect(res.body.data.access_token.split('.')).toHaveLength(3);
  });

  it('refuses a wrong password with 401, and a malformed body with 400 naming the field', async () => {
    const wrong = await t.http.post('/api/auth/login').send({ username: 'admin', password: 'nope' }).expect(401);
    expect(wrong.body).toEqual({ success: false, message: 'Wrong username or password' });
    const missing = await t.http.post('/api/auth/login').send({ username: 'admin' }).expect(400);
    expect(missing.body.message).toContain('password');
    const typed = await t.http.post('/api/auth/login').send({ username: 42, password: 'x' }).expect(400);
    expect(typed.body.message).toContain('username');
  });

  it('answers malformed JSON with 400 and an oversized body with 413, in the envelope', async () => {
    const malformed = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"username":').expect(400);
    expect(malformed.body).toEqual({ success: false, message: 'Malformed JSON body' });
    const huge = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'x', password: 'y'.repeat(41 * 1024 * 1024) }))
      .expect(413);
    expect(huge.body.success).toBe(false);
    expect(huge.body.message).toMatch(/too large/);
  });

  it('answers unknown /api routes with a 404 envelope', async () => {
    const res = await t.http.get('/api/nothing-here').expect(404);
    expect(res.body).toEqual({ success: false, message: 'No route GET /api/nothing-here' });
  });

  it('shows the caller their profile and balance', async () => {
    const alice = await t.createUser({ username: 'alice', quota: 250000 });
    const res = await as(alice.token).get('/api/user/self').expect(200);
    const now = Math.floor(Date.now() / 1000);
    expect(res.body.data).toEqual({
      id: alice.id,
      username: 'alice',
      role: 'user',
      status: 'enabled',
      quota: 250000,
      default_mode: null,
      max_tasks: null,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    // Unix seconds, whole.
    for (const at of [res.body.data.created_at, res.body.data.updated_at]) {
      expect(Number.isInteger(at) && at > now - 600 && at <= now).toBe(true);
    }
  });

  it('lets admins create, list, read, update and delete users; users get 403', async () => {
    const bob = await t.createUser({ username: 'bob' });
    await as(bob.token).get('/api/users').expect(403);
    await as(bob.token).post('/api/users').send({ username: 'eve', password: 'password123' }).expect(403);

    const created = await as(admin).post('/api/users').send({ username: 'carol', password: 'password123', quota: 1000 }).expect(201);
    expect(created.body.data).toMatchObject({ username: 'carol', role: 'user', status: 'enabled', quota: 1000 });
    const id = created.body.data.id;
    await as(admin).post('/api/users').send({ username: 'CAROL', password: 'password123' }).expect(409);

    const list = await as(admin).get('/api/users?username=car').expect(200);
    expect(list.body.data.items.map((u: { username: string }) => u.username)).toEqual(['carol']);
    expect(list.body.data.total).toBe(1);

    const updated = await as(admin).patch(`/api/users/${id}`).send({ role: 'admin', quota: 400 }).expect(200);
    expect(updated.body.data).toMatchObject({ role: 'admin', quota: 400 });
    const ledger = await t.sql<{ kind: string; amount: string; balance_after: string }>(
      'SELECT kind, amount, balance_after FROM ledger_entries WHERE user_id = ? ORDER BY id',
      [id],
    );
    expect(ledger.map((e) => [e.kind, Number(e.amount), Number(e.balance_after)])).toEqual([
      ['adjustment', 1000, 1000],
      ['adjustment', -600, 400],
    ]);

    await as(admin).patch(`/api/users/${id}`).send({ quota: -1 }).expect(400);
    await as(admin).patch(`/api/users/${id}`).send({ role: 'root' }).expect(400);
    await as(admin).get('/api/users/abc').expect(400);
    await as(admin).get('/api/users/999999').expect(404);
    await as(admin).delete(`/api/users/${id}`).expect(200);
    await as(admin).get(`/api/users/${id}`).expect(404);
  });

  it("rejects a disabled user's token on the very next request, and accepts it again once re-enabled", async () => {
    const dave = await t.createUser({ username: 'dave' });
    await as(dave.token).get('/api/mj/self').expect(200);
    await as(admin).patch(`/api/users/${dave.id}`).send({ status: 'disabled' }).expect(200);
    const res = await as(dave.token).get('/api/mj/self').expect(401);
    expect(res.body.message).toBe('This user is disabled');
    await t.http.post('/api/auth/login').send({ username: 'dave', password: 'user-password-123' }).expect(401);
    await as(admin).patch(`/api/users/${dave.id}`).send({ status: 'enabled' }).expect(200);
    await as(dave.token).get('/api/mj/self').expect(200);
  });

  it("rejects a deleted user's token, and old tokens after a password change", async () => {
    const erin = await t.createUser({ username: 'erin' });
    await as(admin).patch(`/api/users/${erin.id}`).send({ password: 'another-password' }).expect(200);
    const revoked = await as(erin.token).get('/api/user/self').expect(401);
    expect(revoked.body.message).toMatch(/revoked/);
    const fresh = await t.login('erin', 'another-password');
    await as(admin).delete(`/api/users/${erin.id}`).expect(200);
    const gone = await as(fresh).get('/api/user/self').expect(401);
    expect(gone.body.message).toMatch(/no longer exists/);
  });

  it('does not let an admin lock themself out', async () => {
    const self = await as(admin).get('/api/user/self').expect(200);
    await as(admin).patch(`/api/users/${self.body.data.id}`).send({ status: 'disabled' }).expect(409);
    await as(admin).delete(`/api/users/${self.body.data.id}`).expect(409);
  });

  it('throttles repeated logins at one username with 429 and Retry-After', async () => {
    const attempts = [];
    for (let i = 0; i < 7; i++) {
      attempts.push((await t.http.post('/api/auth/login').send({ username: 'mallory', password: 'guess' })).status);
    }
    expect(attempts.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(attempts.slice(5)).toEqual([429, 429]);
    const throttled = await t.http.post('/api/auth/login').send({ username: 'mallory', password: 'guess' });
    expect(throttled.body).toEqual({
      success: false,
      message: expect.stringMatching(/^Too many login attempts for this username; try again in \d+ s$/),
    });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Another username from the same address is not locked out (the address has its own, larger limit).
    await t.http.post('/api/auth/login').send(ADMIN).expect(200);
  });

  it('reports health with the database checked', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body).toMatchObject({ success: true, data: { status: 'ok', database: 'up' } });
  });
});
