import { createTestApp, TestApp } from './app';
import { createApiKey, until } from './upstream';

describe('the demo upstream of npm start', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { DEMO: '1', DEMO_TASK_MS: '500', POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300' } });
  });

  afterAll(() => t.close());

  it('registers "Demo simulator" on a fresh install, and a midjourney-proxy client flow works on it', async () => {
    const channels = await t.http
      .get('/api/channels')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(channels.body.data.items.map((c: { name: string }) => c.name)).toEqual(['Demo simulator']);
    const test = await t.http
      .post(`/api/channels/${channels.body.data.items[0].id}/test`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(test.body.data).toMatchObject({ reachable: true, authorized: true });

    const user = await t.createUser({ username: 'newcomer', quota: 1_000_000 });
    const key = await createApiKey(t, user.token);
    const client = {
      post: (path: string, body: object) => t.http.post(path).set('mj-api-secret', key).send(body),
      fetch: (id: string) => t.http.get(`/mj/task/${id}/fetch`).set('mj-api-secret', key),
    };
    const imagine = await client.post('/mj/submit/imagine', { prompt: 'a lighthouse at dusk' }).expect(200);
    expect(imagine.body.code).toBe(1);
    const grid = await until(async () => {
      const task = (await client.fetch(imagine.body.result).expect(200)).body;
      return task.status === 'SUCCESS' && task;
    });
    const u1 = grid.buttons.find((b: { label: string }) => b.label === 'U1');
    const upscale = await client.post('/mj/submit/action', { taskId: imagine.body.result, customId: u1.customId }).expect(200);
    expect(upscale.body.code).toBe(1);
    const done = await until(async () => {
      const task = (await client.fetch(upscale.body.result).expect(200)).body;
      return task.status === 'SUCCESS' && task;
    });
    expect(done).toMatchObject({ action: 'UPSCALE', progress: '100%' });
    // Its image is served from the gateway's own URL, fetched from the loopback demo without any allowlist setting.
    const image = new URL(done.imageUrl);
    expect(image.pathname).toBe(`/mj/image/${upscale.body.result}`);
    const served = await t.http.get(`${image.pathname}${image.search}`).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
  });
});
