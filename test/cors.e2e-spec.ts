import type { SimulatorHandle } from '@app/mj-simulator';
import { createTestApp, TestApp } from './app';
import { finished, registerChannel, startMediaSimulator } from './media';
import { createApiKey } from './upstream';

const UI = 'https://draw.example.com';

// A web UI whose MJ_SERVER points the browser straight at the gateway (Dooy's chatgpt-web-midjourney-proxy): the
// browser asks before every relay call (the mj-api-secret header is not a simple one) and loads images crossOrigin.
describe('CORS (CORS_ORIGINS)', () => {
  let sim: SimulatorHandle;
  let t: TestApp;
  let alice: { id: number; token: string };
  let key: string;

  beforeAll(async () => {
    sim = await startMediaSimulator();
    t = await createTestApp({
      env: { CORS_ORIGINS: `${UI}, https://console.example.com`, MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port}`, POLL_INTERVAL_MS: '100' },
    });
    await registerChannel(t, sim);
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  const preflight = (path: string, origin = UI) =>
    t.http
      .options(path)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,mj-api-secret');

  it.each([
    '/mj/submit/imagine',
    '/mj-fast/mj/submit/imagine',
    '/mj-relax/mj/task/list-by-condition',
    '/mj/task/123/fetch',
    '/api/mj/self',
  ])('answers a preflight on %s for an allowed origin, allowing mj-api-secret, Authorization and Content-Type', async (path) => {
    const res = await preflight(path);
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    const headers = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const header of ['mj-api-secret', 'authorization', 'content-type']) expect(headers).toContain(header);
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('lets the allowed browser submit, fetch and load the image crossOrigin', async () => {
    const submit = await t.http
      .post('/mj/submit/imagine')
      .set('Origin', UI)
      .set('mj-api-secret', key)
      .send({ prompt: 'a fox' })
      .expect(200);
    expect(submit.headers['access-control-allow-origin']).toBe(UI);
    await finished(t, submit.body.result);
    const fetched = await t.http.get(`/mj/task/${submit.body.result}/fetch`).set('Origin', UI).set('mj-api-secret', key).expect(200);
    expect(fetched.headers['access-control-allow-origin']).toBe(UI);
    const image = await t.http
      .get(fetched.body.imageUrl.replace(/^http:\/\/[^/]+/, ''))
      .set('Origin', UI)
      .expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['access-control-allow-origin']).toBe(UI);
    const list = await t.http
      .get('/api/mj/self')
      .set('Origin', 'https://console.example.com')
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    expect(list.headers['access-control-allow-origin']).toBe('https://console.example.com');
  });

  it('allows only the listed origins, and none when CORS_ORIGINS is unset', async () => {
    expect((await preflight('/mj/submit/imagine', 'https://console.example.com')).headers['access-control-allow-origin']).toBe(
      'https://console.example.com',
    );
    expect((await preflight('/mj/submit/imagine', 'https://evil.example.com')).headers['access-control-allow-origin']).toBeUndefined();
    const plain = await createTestApp({ env: { CORS_ORIGINS: '' } });
    try {
      const res = await plain.http.options('/mj/submit/imagine').set('Origin', UI).set('Access-Control-Request-Method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
