import type { SimulatorHandle } from '@app/mj-simulator';
import { createTestApp, TestApp } from './app';
import { download, insertTask, registerChannel, setResult, startMediaSimulator, stored } from './media';

const BLOB_BYTES = 20 * 1024 * 1024;
const PARALLEL = 20;
/**
 * Buffering whole files would hold PARALLEL × 20 MB = 400 MB at once; streaming holds a few socket buffers per download.
 * The gateway, the simulator and the client share this process, so RSS also moves with their buffers and the GC's
 * timing (observed 60–156 MB on these machines); half of what buffering needs separates the two without flaking.
 */
const LIMIT_MB = (PARALLEL * BLOB_BYTES) / 1024 / 1024 / 2;

/**
 * Peak RSS growth of this process (the gateway runs in it) while `work` runs, sampled every 10 ms. The bodies are
 * counted and dropped by the client, so what grows is what the gateway holds.
 */
async function rssGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return (peak - before) / 1024 / 1024;
}

describe(`media streaming: ${PARALLEL} parallel downloads of a 20 MB file keep memory flat`, () => {
  let sim: SimulatorHandle;
  let t: TestApp;
  let alice: { id: number; token: string };
  let channelId: number;
  const figures: string[] = [];

  beforeAll(async () => {
    sim = await startMediaSimulator();
    t = await createTestApp({ env: { MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port}`, MEDIA_ARCHIVE_INTERVAL_MS: '500' } });
    channelId = await registerChannel(t, sim);
    alice = await t.createUser({ username: 'alice' });
  });

  afterAll(async () => {
    console.log(`RSS growth during ${PARALLEL} parallel 20 MB downloads: ${figures.join('; ')}`);
    await t.close();
    await sim.close();
  });

  const parallelDownloads = async (path: string) => {
    const url = `${t.url}${path}`;
    const first = await download(url, { authorization: `Bearer ${alice.token}` }, 0); // warms the simulator's blob cache
    expect(first.status).toBe(200);
    let answers: Awaited<ReturnType<typeof download>>[] = [];
    const growth = await rssGrowth(async () => {
      answers = await Promise.all(Array.from({ length: PARALLEL }, () => download(url, { authorization: `Bearer ${alice.token}` }, 0)));
    });
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.length).toBe(Number(answer.headers['content-length']));
      expect(answer.length).toBeGreaterThan(BLOB_BYTES * 0.95);
    }
    return growth;
  };

  it('streams from the upstream (a preview) without buffering', async () => {
    const task = await insertTask(t, { userId: alice.id, channelId, status: 'IN_PROGRESS', progress: '50%' });
    await setResult(t, task.id, { status: 'IN_PROGRESS', imageUrl: `${sim.url}/sim/blob/${BLOB_BYTES}.png` });
    const growth = await parallelDownloads(`/mj/image/${task.mjId}`);
    figures.push(`from the upstream +${growth.toFixed(0)} MB`);
    expect(growth).toBeLessThan(LIMIT_MB);
  });

  it('streams from the media store without buffering', async () => {
    const task = await insertTask(t, { userId: alice.id, channelId, action: 'UPSCALE' });
    await setResult(t, task.id, { imageUrl: `${sim.url}/sim/blob/${BLOB_BYTES}.png` });
    await stored(t, task.id);
    const growth = await parallelDownloads(`/mj/image/${task.mjId}`);
    figures.push(`from the store +${growth.toFixed(0)} MB`);
    expect(growth).toBeLessThan(LIMIT_MB);
  });
});
