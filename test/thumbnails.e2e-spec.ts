import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createTestApp, TestApp } from './app';
import { insertTask, setResult, stored } from './media';
import { until } from './upstream';

/** An upstream CDN on loopback serving noise PNGs `/<size>/<name>.png` (size² × 3 bytes: noise does not compress). */
async function cdn(): Promise<{ server: Server; url: string }> {
  const images = new Map<string, Buffer>();
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    const size = Number(/^\/(\d+)\//.exec(path)?.[1] ?? 64);
    let image = images.get(path);
    if (!image) {
      const raw = Buffer.from(Array.from({ length: size * size * 3 }, () => Math.floor(Math.random() * 256)));
      image = await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
        .png({ compressionLevel: 0 })
        .toBuffer();
      images.set(path, image);
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('thumbnails: a few fixed widths, a per-user limit, and never at the cost of stored originals', () => {
  let t: TestApp;
  let upstream: Awaited<ReturnType<typeof cdn>>;
  let alice: { id: number; token: string };
  let bob: { id: number; token: string };

  beforeAll(async () => {
    upstream = await cdn();
    t = await createTestApp({
      env: {
        MEDIA_FETCH_ALLOWLIST: upstream.url.slice('http://'.length),
        MEDIA_STORE_MAX_MB: '1',
        MEDIA_ARCHIVE_INTERVAL_MS: '300',
        POLLING_ENABLED: 'false',
        MEDIA_THUMBNAIL_RATE_LIMIT: '20',
      },
    });
    alice = await t.createUser({ username: 'alice' });
    bob = await t.createUser({ username: 'bob' });
  });

  afterAll(async () => {
    await t.close();
    upstream.server.close();
  });

  const finishedTask = async (userId: number, path: string) => {
    const task = await insertTask(t, { userId, channelId: 1, action: 'UPSCALE' });
    await setResult(t, task.id, { imageUrl: `${upstream.url}${path}` });
    await stored(t, task.id);
    return task;
  };
  const objects = (taskId: number) =>
    t.sql<{ variant: string }>('SELECT variant FROM media_objects WHERE task_id = ? ORDER BY variant', [taskId]);

  it('stores at most the fixed widths for 300 distinct widths asked, and keeps every original when thumbnails overflow the store', async () => {
    // Two originals of about 370 KB each in a 1 MB store.
    const first = await finishedTask(alice.id, '/350/first.png');
    const second = await finishedTask(alice.id, '/350/second.png');
    const widths = new Set(Array.from({ length: 300 }, (_, i) => 16 + Math.round((i * 1008) / 299)));
    expect(widths.size).toBe(300);
    for (const w of widths) {
      const res = await t.http.get(`/mj/image/${first.mjId}?w=${w}`).set('Authorization', `Bearer ${alice.token}`);
      expect([w, res.status, res.headers['content-type']]).toEqual([w, 200, 'image/webp']);
    }
    const variants = (await objects(first.id)).map((row) => row.variant).filter(Boolean);
    expect(variants).toEqual(['w1024', 'w128', 'w256', 'w512']);
    // A third result is copied: the store goes over budget, and thumbnails go before any original.
    const third = await finishedTask(alice.id, '/250/third.png');
    // Eviction runs right after the copy is marked done (asynchronously: wait for it, a loaded machine lags).
    await until(async () => Number((await t.sql<{ bytes: string }>('SELECT bytes FROM media_store_usage'))[0].bytes) <= 1024 * 1024, 5000);
    expect((await objects(first.id)).length).toBeLessThan(5);
    for (const task of [first, second, third]) expect((await objects(task.id)).map((row) => row.variant)).toContain('');
    // Every original is still served from the store (the upstream is not asked again).
    const states = await t.sql<{ state: string }>('SELECT state FROM media_archive WHERE task_id IN (?, ?, ?)', [
      first.id,
      second.id,
      third.id,
    ]);
    expect(states.map((row) => row.state)).toEqual(['done', 'done', 'done']);
  });

  it('limits the thumbnails one user has made per window with 429 and Retry-After; other users are not affected', async () => {
    // A running task's preview is resized on every request (previews change, so they are never stored).
    const preview = await insertTask(t, {
      userId: bob.id,
      channelId: 1,
      status: 'IN_PROGRESS',
      progress: '50%',
      imageUrl: `${upstream.url}/64/preview.png`,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      statuses.push((await t.http.get(`/mj/image/${preview.mjId}?w=128`).set('Authorization', `Bearer ${bob.token}`)).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    const limited = await t.http.get(`/mj/image/${preview.mjId}?w=128`).set('Authorization', `Bearer ${bob.token}`);
    expect(limited.body).toEqual({
      success: false,
      message: expect.stringMatching(/^Too many thumbnails made for this user; try again in \d+ s$/),
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The full image is not a thumbnail: still served.
    await t.http.get(`/mj/image/${preview.mjId}`).set('Authorization', `Bearer ${bob.token}`).expect(200);
    const own = await insertTask(t, {
      userId: alice.id,
      channelId: 1,
      status: 'IN_PROGRESS',
      progress: '50%',
      imageUrl: `${upstream.url}/64/own.png`,
    });
    await t.http.get(`/mj/image/${own.mjId}?w=128`).set('Authorization', `Bearer ${alice.token}`).expect(200);
  });
});
