import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createTestApp, TestApp } from './app';
import { createTestDatabase, TestDatabase } from './database';
import { insertTask, setResult, stored } from './media';
import { until } from './upstream';

/** An upstream CDN on loopback that counts requests per path and can fail the first few. */
async function cdn(): Promise<{ server: Server; url: string; hits: Map<string, number>; failFirst: Map<string, number> }> {
  const hits = new Map<string, number>();
  const failFirst = new Map<string, number>();
  const images = new Map<string, Buffer>();
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if ((failFirst.get(path) ?? 0) >= hits.get(path)!) return res.writeHead(503).end('busy');
    const size = Number(/^\/(\d+)\//.exec(path)?.[1] ?? 64);
    let image = images.get(path);
    if (!image) {
      // Noise does not compress: the file is about size² × 3 bytes.
      const raw = Buffer.from(Array.from({ length: size * size * 3 }, () => Math.floor(Math.random() * 256)));
      image = await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
        .png({ compressionLevel: 0 })
        .toBuffer();
      images.set(path, image);
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, failFirst };
}

describe('media store: copies survive restarts, run once across instances, retry, and stay within budget', () => {
  let db: TestDatabase;
  let upstream: Awaited<ReturnType<typeof cdn>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'mj-store-shared-'));
  const apps: TestApp[] = [];
  let userId: number;

  const start = async (env: Record<string, string> = {}) => {
    const t = await createTestApp({
      databaseUrl: db.url,
      env: {
        DATA_DIR: dataDir,
        JWT_SECRET: 'shared-secret-of-the-test-instances-0123456789',
        MEDIA_FETCH_ALLOWLIST: upstream.url.slice(7),
        MEDIA_ARCHIVE_INTERVAL_MS: '300',
        POLLING_ENABLED: 'false',
        ...env,
      },
    });
    apps.push(t);
    return t;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    upstream = await cdn();
  });

  afterAll(async () => {
    for (const t of apps) await t.close().catch(() => undefined);
    upstream.server.close();
    await db.drop();
  });

  it('copies a result that finished while copying was off, once an instance that copies starts', async () => {
    const off = await start({ MEDIA_ARCHIVE_ENABLED: 'false' });
    userId = (await off.createUser({ username: 'alice' })).id;
    const task = await insertTask(off, { userId, channelId: 1 });
    await setResult(off, task.id, { imageUrl: `${upstream.url}/64/restart.png` });
    expect((await off.sql<{ state: string }>('SELECT state FROM media_archive WHERE task_id = ?', [task.id]))[0].state).toBe('pending');
    await off.close();
    apps.pop();
    const on = await start();
    await stored(on, task.id);
    expect(upstream.hits.get('/64/restart.png')).toBe(1);
  });

  it('copies each result once when several instances hear of it', async () => {
    const [a, b] = [apps[0], await start()];
    const task = await insertTask(a, { userId, channelId: 1 });
    await setResult(a, task.id, { imageUrl: `${upstream.url}/64/shared.png` });
    await setResult(b, task.id, { imageUrl: `${upstream.url}/64/shared.png` }); // the same news on the other instance
    await stored(a, task.id);
    // Claims are exclusive and a done copy is never claimed again: the count is final here.
    expect(upstream.hits.get('/64/shared.png')).toBe(1);
    const objects = await a.sql<{ n: number }>('SELECT n FROM media_objects WHERE task_id = ? AND variant = ? ORDER BY n', [task.id, '']);
    expect(objects.map((o) => o.n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('retries a failed copy with backoff, serving from the upstream meanwhile', async () => {
    const t = apps[0];
    upstream.failFirst.set('/64/flaky.png', 1);
    const task = await insertTask(t, { userId, channelId: 1 });
    await setResult(t, task.id, { imageUrl: `${upstream.url}/64/flaky.png` });
    const failed = await until(async () => {
      const [row] = await t.sql<{ state: string; attempts: number; next_attempt_at: string; last_error: string }>(
        'SELECT state, attempts, next_attempt_at, last_error FROM media_archive WHERE task_id = ?',
        [task.id],
      );
      return row.attempts === 1 && row.last_error !== '' && row;
    });
    expect(failed).toMatchObject({ state: 'pending', last_error: 'The upstream answered HTTP 503 for this file' });
    expect(Number(failed.next_attempt_at)).toBeGreaterThan(Date.now());
    const admin = await t.adminToken();
    await t.http.get(`/mj/image/${task.mjId}`).set('Authorization', `Bearer ${admin}`).expect(200);
    await stored(t, task.id, 'done', 20000);
    expect((await t.sql<{ attempts: number }>('SELECT attempts FROM media_archive WHERE task_id = ?', [task.id]))[0].attempts).toBe(2);
  });

  it('evicts the oldest results when the store is over MEDIA_STORE_MAX_MB, and serves them from the upstream again', async () => {
    for (const t of apps.splice(0)) await t.close();
    const t = await start({ MEDIA_STORE_MAX_MB: '1' });
    const old = await insertTask(t, { userId, channelId: 1, action: 'UPSCALE' });
    await setResult(t, old.id, { imageUrl: `${upstream.url}/500/old.png` });
    await stored(t, old.id);
    const [{ store_key: oldKey }] = await t.sql<{ store_key: string }>('SELECT store_key FROM media_objects WHERE task_id = ?', [old.id]);
    expect(existsSync(join(dataDir, 'media', oldKey))).toBe(true);
    const fresh = await insertTask(t, { userId, channelId: 1, action: 'UPSCALE' });
    await setResult(t, fresh.id, { imageUrl: `${upstream.url}/500/fresh.png` });
    await stored(t, old.id, 'evicted');
    expect(await t.sql('SELECT 1 FROM media_objects WHERE task_id = ?', [old.id])).toEqual([]);
    // The row goes first, then the file (a reader in between already falls back to the upstream).
    await until(async () => !existsSync(join(dataDir, 'media', oldKey)), 5000);
    expect((await t.sql<{ state: string }>('SELECT state FROM media_archive WHERE task_id = ?', [fresh.id]))[0].state).toBe('done');
    const usage = await t.sql<{ bytes: string }>('SELECT bytes FROM media_store_usage');
    expect(Number(usage[0].bytes)).toBeLessThanOrEqual(1024 * 1024);
    const before = upstream.hits.get('/500/old.png')!;
    await t.http
      .get(`/mj/image/${old.mjId}`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(upstream.hits.get('/500/old.png')).toBe(before + 1);
  });
});
