import sharp from 'sharp';
import type { SimulatorHandle } from '@app/mj-simulator';
import { MediaUrls } from '@app/proxy';
import { createTestApp, TestApp } from './app';
import { download, finished, insertTask, registerChannel, setResult, startMediaSimulator, stored } from './media';
import { createApiKey, until, upstreamIdOf } from './upstream';

const SIGNED = /^http:\/\/127\.0\.0\.1:\d+\/mj\/image\/(\d+)\?exp=(\d+)&sig=([\w-]{22})$/;
/** The relay's links: durable, no expiry (test/media-links.e2e-spec.ts covers their lifetime and revocation). */
const DURABLE = /^http:\/\/127\.0\.0\.1:\d+\/mj\/image\/(\d+)\?sig=([\w-]{22})$/;

describe('media forwarding: signed links, access, store, singles (/mj/image, /mj/video)', () => {
  let sim: SimulatorHandle;
  let t: TestApp;
  let channelId: number;
  let alice: { id: number; token: string };
  let bob: { id: number; token: string };
  let aliceKey: string;
  let admin: string;
  let grid: { mjId: string; id: number; link: string; upstreamId: string };

  beforeAll(async () => {
    sim = await startMediaSimulator();
    t = await createTestApp({
      env: {
        MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port}`,
        POLL_INTERVAL_MS: '100',
        POLL_MAX_BACKOFF_MS: '300',
        MEDIA_ARCHIVE_INTERVAL_MS: '500',
      },
    });
    channelId = await registerChannel(t, sim);
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    bob = await t.createUser({ username: 'bob', quota: 10_000_000 });
    aliceKey = await createApiKey(t, alice.token);
    admin = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  const imagine = async (prompt: string, key = aliceKey): Promise<string> => {
    const res = await t.http.post('/mj/submit/imagine').set('Authorization', `Bearer ${key}`).send({ prompt }).expect(200);
    expect(res.body.code).toBe(1);
    return res.body.result;
  };
  const mine = async (token: string, mjId: string) =>
    (await t.http.get(`/api/mj/self?mj_id=${mjId}`).set('Authorization', `Bearer ${token}`).expect(200)).body.data.items[0];
  const local = (link: string) => link.replace(/^http:\/\/[^/]+/, '');
  const get = (path: string) =>
    t.http
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  it("lists a finished grid with signed gateway links, never the upstream's, and its four singles", async () => {
    const mjId = await imagine('a lighthouse at dusk');
    const row = await finished(t, mjId);
    expect(row.status).toBe('SUCCESS');
    const item = await mine(alice.token, mjId);
    expect(item.image_url).toMatch(SIGNED);
    expect(SIGNED.exec(item.image_url)![1]).toBe(mjId);
    expect(item.image_url).not.toContain(`${sim.port}`);
    const singles = JSON.parse(item.image_urls) as string[];
    expect(singles).toHaveLength(4);
    singles.forEach((link, i) => expect(link).toMatch(new RegExp(`/mj/image/${mjId}/${i + 1}\\?exp=\\d+&sig=[\\w-]{22}$`)));
    expect(item).toMatchObject({ video_url: '', video_urls: '[]' });
    const all = (await t.http.get(`/api/mj/?mj_id=${mjId}`).set('Authorization', `Bearer ${admin}`).expect(200)).body.data.items[0];
    expect(all.image_url).toMatch(SIGNED);
    grid = { mjId, id: row.id, link: item.image_url, upstreamId: await upstreamIdOf(t, mjId) };
  });

  it('answers relay fetch and list-by-condition with durable links to the same images', async () => {
    const fetched = await t.http.get(`/mj/task/${grid.mjId}/fetch`).set('mj-api-secret', aliceKey).expect(200);
    expect(fetched.body.imageUrl).toMatch(DURABLE);
    const paths = (links: string[]) => links.map((link) => link.split('?')[0]);
    expect(paths(fetched.body.imageUrls.map((u: { url: string }) => u.url))).toEqual(
      paths(JSON.parse((await mine(alice.token, grid.mjId)).image_urls)),
    );
    expect(fetched.body.videoUrl).toBeNull();
    const listed = await t.http
      .post('/mj/task/list-by-condition')
      .set('mj-api-secret', aliceKey)
      .send({ ids: [grid.mjId] })
      .expect(200);
    expect(listed.body[0].imageUrl).toBe(fetched.body.imageUrl);
  });

  it('keeps empty values empty and marks previews with a cache-busting version', async () => {
    const bare = await insertTask(t, { userId: alice.id, channelId, status: 'SUBMITTED', progress: '0%' });
    expect(await mine(alice.token, bare.mjId)).toMatchObject({ image_url: '', image_urls: '[]', video_url: '', video_urls: '[]' });
    const running = await insertTask(t, {
      userId: alice.id,
      channelId,
      status: 'IN_PROGRESS',
      progress: '40%',
      imageUrl: `${sim.url}/sim/images/${grid.upstreamId}/x_grid_2.png`,
    });
    const preview = await mine(alice.token, running.mjId);
    expect(preview.image_url).toMatch(/\?exp=\d+&sig=[\w-]{22}&v=\w+$/);
    expect(preview.image_urls).toBe('[]');
    await t.sql('UPDATE tasks SET progress = ? WHERE id = ?', ['60%', running.id]);
    const later = await mine(alice.token, running.mjId);
    expect(new URL(later.image_url).searchParams.get('v')).not.toBe(new URL(preview.image_url).searchParams.get('v'));
    const res = await get(local(preview.image_url)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it("builds links from the request's host, ignoring X-Forwarded-Host without TRUST_PROXY", async () => {
    const res = await t.http
      .get(`/api/mj/self?mj_id=${grid.mjId}`)
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Host', 'gateway.example.net:8443')
      .set('X-Forwarded-Host', 'evil.example')
      .expect(200);
    expect(res.body.data.items[0].image_url).toMatch(/^http:\/\/gateway\.example\.net:8443\/mj\/image\//);
  });

  it('serves the signed link to anyone holding it, as an image with safe headers', async () => {
    const res = await get(local(grid.link)).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(res.headers['cache-control']).toMatch(/^private, max-age=\d+, immutable$/);
    expect(res.headers.etag).toBeTruthy();
    expect(Number(res.headers['content-length'])).toBe((res.body as Buffer).length);
    expect((await sharp(res.body as Buffer).metadata()).format).toBe('png');
  });

  it('serves the owner and admins by bearer token; everyone else gets the same 403 as an unknown id', async () => {
    const path = `/mj/image/${grid.mjId}`;
    await get(path).set('Authorization', `Bearer ${alice.token}`).expect(200);
    await get(path).set('Authorization', `Bearer ${admin}`).expect(200);
    await get(path).set('Authorization', `Bearer ${aliceKey}`).expect(200);
    const { exp, sig } = Object.fromEntries(new URL(grid.link).searchParams) as { exp: string; sig: string };
    const urls = t.app.get(MediaUrls);
    const past = Math.floor(Date.now() / 1000) - 10;
    const bobsTask = await insertTask(t, { userId: bob.id, channelId, imageUrl: `${sim.url}/sim/images/${grid.upstreamId}/x.png` });
    const denied = [
      get(path),
      get(path).set('Authorization', `Bearer ${bob.token}`),
      get(path).set('Authorization', 'Bearer not-a-token'),
      get(`${path}?exp=${past}&sig=${urls.signature.sign(grid.id, grid.mjId, past)}`),
      get(`${path}?exp=${exp}&sig=${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`),
      get(`${path}?exp=${Number(exp) + 1}&sig=${sig}`),
      get(`/mj/image/${bobsTask.mjId}?exp=${exp}&sig=${sig}`),
      get(`/mj/image/9999999999999999?exp=${exp}&sig=${sig}`),
      get('/mj/image/9999999999999999'),
      get(`/mj/video/${grid.mjId}?exp=${exp}&sig=${sig.replace(/./, 'x')}`),
    ];
    const answers = await Promise.all(denied);
    const first = JSON.parse((answers[0].body as Buffer).toString());
    expect(first).toEqual({ success: false, message: expect.stringMatching(/not allowed/i) });
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(JSON.parse((answer.body as Buffer).toString())).toEqual(first);
    }
  });

  it('validates the thumbnail width by name and answers a resized WebP at the next fixed width, kept in the store', async () => {
    for (const w of ['8', '2000', 'abc']) {
      const res = await t.http.get(`${local(grid.link)}&w=${w}`).expect(400);
      expect(res.body.message).toMatch(/^w must be an integer from 16 to 1024/);
    }
    const thumb = await get(`${local(grid.link)}&w=100`).expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.headers['cache-control']).toMatch(/^private, max-age=\d+, immutable$/);
    expect(await sharp(thumb.body as Buffer).metadata()).toMatchObject({ format: 'webp', width: 128 });
    await until(async () => (await t.sql('SELECT 1 FROM media_objects WHERE task_id = ? AND variant = ?', [grid.id, 'w128'])).length);
    const again = await get(`${local(grid.link)}&w=128`).expect(200);
    expect((again.body as Buffer).equals(thumb.body as Buffer)).toBe(true);
    await t.http
      .get(`${local(grid.link)}&w=64`)
      .set('If-None-Match', again.headers.etag)
      .expect(304);
  });

  it('stores the result and its four quarters, and serves them after the upstream deleted its files', async () => {
    await stored(t, grid.id);
    const upstream = await download(
      (await t.sql<{ image_url: string }>('SELECT image_url FROM tasks WHERE id = ?', [grid.id]))[0].image_url,
    );
    const before = await get(local(grid.link)).expect(200);
    expect((before.body as Buffer).equals(upstream.body)).toBe(true);
    sim.deleteMedia(grid.upstreamId);
    const after = await get(local(grid.link)).expect(200);
    expect((after.body as Buffer).equals(upstream.body)).toBe(true);
    const { width, height } = await sharp(upstream.body).metadata();
    const quarters = await Promise.all(
      JSON.parse((await mine(alice.token, grid.mjId)).image_urls).map((link: string) => get(local(link)).expect(200)),
    );
    const colours = new Set<string>();
    for (const quarter of quarters) {
      const meta = await sharp(quarter.body as Buffer).metadata();
      expect([meta.width, meta.height]).toEqual([Math.floor(width! / 2), Math.floor(height! / 2)]);
      const { dominant } = await sharp(quarter.body as Buffer).stats();
      colours.add(`${dominant.r},${dominant.g},${dominant.b}`);
    }
    expect(colours.size).toBe(4);
  });

  it("answers upload-discord-images with gateway links that serve the uploaded images, not the upstream's URLs", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .png()
      .toBuffer();
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    const res = await t.http
      .post('/mj/submit/upload-discord-images')
      .set('mj-api-secret', aliceKey)
      .send({ base64Array: [dataUrl, dataUrl] })
      .expect(200);
    expect(res.body.code).toBe(1);
    expect(res.body.result).toHaveLength(2);
    expect(JSON.stringify(res.body)).not.toContain(`:${sim.port}/`);
    const [row] = await t.sql<{ id: number; mj_id: string; image_urls: string[] }>(
      `SELECT id, mj_id, image_urls FROM tasks WHERE user_id = ? AND action = 'UPLOAD' ORDER BY id DESC LIMIT 1`,
      [alice.id],
    );
    for (const [i, link] of (res.body.result as string[]).entries()) {
      expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/mj/image/${row.mj_id}/${i + 1}\\?sig=[\\w-]{22}$`));
      // Anyone holding the link (the upstream reading a prompt, a browser) gets the very image the upstream keeps.
      const served = await get(local(link)).expect(200);
      expect(served.headers['content-type']).toBe('image/png');
      const upstream = await download(row.image_urls[i]);
      expect((served.body as Buffer).equals(upstream.body)).toBe(true);
    }
  });

  it("keeps the upstream's own four singles of a v7 grid", async () => {
    const mjId = await imagine('a koi pond --sim-v7');
    const row = await finished(t, mjId);
    const links = JSON.parse((await mine(alice.token, mjId)).image_urls) as string[];
    expect(links).toHaveLength(4);
    const upstreamId = await upstreamIdOf(t, mjId);
    const directs = await Promise.all([0, 1, 2, 3].map((i) => download(`${sim.url}/sim/images/${upstreamId}/0_${i}.png`)));
    expect(new Set(directs.map((d) => d.body.toString('base64'))).size).toBe(4);
    const check = async () => {
      for (const [i, link] of links.entries())
        expect(((await get(local(link)).expect(200)).body as Buffer).equals(directs[i].body)).toBe(true);
    };
    await check();
    await stored(t, row.id);
    sim.deleteMedia(mjId);
    await check();
    await get(`/mj/image/${mjId}/4`).set('Authorization', `Bearer ${alice.token}`).expect(200);
  });

  it('refuses an upstream that serves HTML as an image, without passing any of it on', async () => {
    const mjId = await imagine('a teapot --sim-evil-content');
    const row = await finished(t, mjId);
    const link = (await mine(alice.token, mjId)).image_url;
    const res = await t.http.get(local(link)).expect(502);
    expect(res.body).toEqual({ success: false, message: 'The upstream sent text/html, not an image' });
    expect(JSON.stringify(res.body)).not.toContain('script');
    const copy = await stored(t, row.id, 'failed');
    expect(copy.last_error).toMatch(/text\/html/);
  });

  it('answers 404 for a result the upstream deleted before it was stored, and for a single that does not exist', async () => {
    const task = await insertTask(t, {
      userId: alice.id,
      channelId,
      status: 'IN_PROGRESS',
      progress: '50%',
      imageUrl: `${sim.url}/sim/images/${grid.upstreamId}/gone_grid_1.png`,
    });
    const res = await t.http.get(`/mj/image/${task.mjId}`).set('Authorization', `Bearer ${alice.token}`).expect(404);
    expect(res.body.message).toBe('The upstream no longer has this file');
    const none = await t.http.get(`/mj/image/${task.mjId}/2`).set('Authorization', `Bearer ${alice.token}`).expect(404);
    expect(none.body.message).toBe('This task has no image 2');
    await t.http.get(`/mj/image/${task.mjId}/5`).set('Authorization', `Bearer ${alice.token}`).expect(404);
    await t.http.get(`/mj/image/${task.mjId}/17`).set('Authorization', `Bearer ${alice.token}`).expect(400);
  });

  it('serves byte ranges of a video, from the upstream and from the store', async () => {
    const mjId = await imagine('a kite');
    const row = await finished(t, mjId);
    const upstreamId = await upstreamIdOf(t, mjId);
    const video = await download(`${sim.url}/sim/videos/${upstreamId}.mp4`);
    const size = video.length;
    const preview = await insertTask(t, { userId: alice.id, channelId, status: 'IN_PROGRESS', progress: '50%' });
    await setResult(t, preview.id, { status: 'IN_PROGRESS', videoUrl: `${sim.url}/sim/videos/${upstreamId}.mp4` });
    const previewLink = (await mine(alice.token, preview.mjId)).video_url;
    await setResult(t, row.id, {
      imageUrl: `${sim.url}/sim/images/${upstreamId}/x.png`,
      videoUrl: `${sim.url}/sim/videos/${upstreamId}.mp4`,
      videoUrls: [`${sim.url}/sim/videos/${upstreamId}_0.mp4`, `${sim.url}/sim/videos/${upstreamId}_1.mp4`],
    });
    const item = await mine(alice.token, mjId);
    expect(item.video_url).toMatch(new RegExp(`/mj/video/${mjId}\\?exp=\\d+&sig=`));
    expect(JSON.parse(item.video_urls)).toEqual([
      expect.stringMatching(`/mj/video/${mjId}/1\\?`),
      expect.stringMatching(`/mj/video/${mjId}/2\\?`),
    ]);
    const check = async (link: string) => {
      const whole = await get(local(link)).expect(200);
      expect(whole.headers).toMatchObject({ 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': String(size) });
      expect((whole.body as Buffer).equals(video.body)).toBe(true);
      const part = await get(local(link)).set('Range', 'bytes=100-1123').expect(206);
      expect(part.headers['content-range']).toBe(`bytes 100-1123/${size}`);
      expect((part.body as Buffer).equals(video.body.subarray(100, 1124))).toBe(true);
      const tail = await get(local(link)).set('Range', 'bytes=-10').expect(206);
      expect((tail.body as Buffer).equals(video.body.subarray(size - 10))).toBe(true);
      const outside = await t.http.get(local(link)).set('Range', `bytes=${size}-`).expect(416);
      expect(outside.headers['content-range']).toBe(`bytes */${size}`);
      expect(outside.body.success).toBe(false);
    };
    await check(previewLink);
    await stored(t, row.id);
    sim.deleteMedia(mjId);
    await check(item.video_url);
    await check(JSON.parse(item.video_urls)[1]);
    const etag = (await get(local(item.video_url)).expect(200)).headers.etag as string;
    await t.http.get(local(item.video_url)).set('If-None-Match', etag).expect(304);
  });
});
