import { performance } from 'node:perf_hooks';
import { createTestApp, TestApp } from './app';

describe('login limits: per address across usernames, per username across addresses, hashing that cannot starve', () => {
  let t: TestApp;
  let next = 0;
  // Each test sends from its own addresses (X-Forwarded-For, trusted here as behind a proxy).
  const address = () => `198.51.100.${(next += 1)}`;
  const login = (from: string, username: string, password = 'wrong-guess') =>
    t.http.post('/api/auth/login').set('X-Forwarded-For', from).send({ username, password });

  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUST_PROXY: 'true', LOGIN_RATE_LIMIT: '10', LOGIN_ADDRESS_RATE_LIMIT: '10', LOGIN_RATE_WINDOW_S: '60' },
    });
    // Created without logging in as her: every attempt at 'alice' below is the test's.
    await t.http
      .post('/api/users')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({ username: 'alice', password: 'alice-password-123' })
      .expect(201);
  });

  afterAll(() => t.close());

  it('stops guesses at one account from many addresses once the username has had its attempts', async () => {
    const statuses: number[] = [];
    // 11 addresses, each within its own limit, 10 guesses each.
    for (let a = 0; a < 11; a++) {
      const from = address();
      for (let i = 0; i < 10; i++) statuses.push((await login(from, 'alice')).status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const refused = await login(address(), 'ALICE');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      success: false,
      message: expect.stringMatching(/^Too many login attempts for this username; try again in \d+ s$/),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Even the right password waits: the account is locked for the window, not the user's existing tokens.
    expect((await login(address(), 'alice', 'alice-password-123')).status).toBe(429);
  });

  it('stops one address spraying many usernames', async () => {
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await login(from, `user-${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(90).fill(429));
    const refused = await login(from, 'someone-else');
    expect(refused.body.message).toMatch(/^Too many login attempts from this address; try again in \d+ s$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another address logs in as usual.
    expect(
      (await t.http.post('/api/auth/login').set('X-Forwarded-For', address()).send({ username: 'admin', password: 'admin-password-123' }))
        .status,
    ).toBe(200);
  });

  it('keeps /api/health fast while 60 wrong logins are checked at once', async () => {
    await t.http.get('/api/health').expect(200); // warm
    const flood = Array.from({ length: 60 }, (_, i) => login(address(), `flood-${i}`).then((res) => res.status));
    const timings: number[] = [];
    let done = false;
    const settled = Promise.all(flood).finally(() => (done = true));
    while (!done || timings.length < 10) {
      const started = performance.now();
      await t.http.get('/api/health').expect(200);
      timings.push(performance.now() - started);
      if (timings.length >= 200) break;
    }
    expect(await settled).toEqual(Array(60).fill(401));
    timings.sort((a, b) => a - b);
    const median = timings[Math.floor(timings.length / 2)];
    console.log(`health during the flood: ${timings.length} answers, median ${median.toFixed(1)} ms, max ${timings.at(-1)!.toFixed(1)} ms`);
    expect(median).toBeLessThan(100);
  });
});
