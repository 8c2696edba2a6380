import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatorHandle } from '@app/mj-simulator';
import { createTestApp, TestApp } from './app';
import { download, insertTask, registerChannel, setResult, startMediaSimulator, stored } from './media';

const BLOB_BYTES = 20 * 1024 * 1024;
const PARALLEL = 20;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const HALF = 4 * 1024 * 1024;

/**
 * An upstream that sends the first half of a PNG and then holds the rest back until `release()`: a gateway that
 * buffered whole files would answer nothing until then, one that streams has passed the first half on already.
 */
function startHalfwayUpstream(): Promise<{ server: Server; port: number; release: () => void }> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': 2 * HALF });
    const first = Buffer.alloc(HALF, 7);
    PNG_SIGNATURE.copy(first);
    res.write(first);
    void held.then(() => res.end(Buffer.alloc(HALF, 8)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, release })),
  );
}

/**
 * Media are streamed, never buffered. What a user notices: bytes flow while the upstream is still sending, and many
 * large downloads at once all arrive whole. (How much memory that takes is measured by `npm run bench -- proxy`,
 * 100 concurrent 20 MB streams, beside a plain Node server: RSS in a test process that also runs the simulator and
 * the client moves with the garbage collector's timing, not with the gateway.)
 */
describe('media streaming: bytes flow as they arrive, and parallel large downloads arrive whole', () => {
  let sim: SimulatorHandle;
  let halfway: Awaited<ReturnType<typeof startHalfwayUpstream>>;
  let t: TestApp;
  let alice: { id: number; token: string };
  let channelId: number;

  beforeAll(async () => {
    sim = await startMediaSimulator();
    halfway = await startHalfwayUpstream();
    t = await createTestApp({
      env: { MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port},127.0.0.1:${halfway.port}`, MEDIA_ARCHIVE_INTERVAL_MS: '500' },
    });
    channelId = await registerChannel(t, sim);
    alice = await t.createUser({ username: 'alice' });
  });

  afterAll(async () => {
    halfway.release();
    await t.close();
    await sim.close();
    halfway.server.close();
  });

  it("passes an upstream file on while the upstream is still sending it (a preview's first half before its second exists)", async () => {
    const task = await insertTask(t, { userId: alice.id, channelId, status: 'IN_PROGRESS', progress: '50%' });
    await setResult(t, task.id, { status: 'IN_PROGRESS', imageUrl: `http://127.0.0.1:${halfway.port}/preview.png` });
    const received = await new Promise<number>((resolve, reject) => {
      // A gateway that waited for the whole file would never pass the first half on: the upstream never finishes.
      const timer = setTimeout(() => reject(new Error('the first half never came through while the upstream held the rest')), 10_000);
      const req = httpRequest(`${t.url}/mj/image/${task.mjId}`, { headers: { authorization: `Bearer ${alice.token}` } }, (res) => {
        let length = 0;
        let released = false;
        res.on('data', (chunk: Buffer) => {
          length += chunk.length;
          // The whole first half came through while the upstream still holds back the second: only then let it go.
          if (!released && length >= HALF) {
            released = true;
            halfway.release();
          }
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve(length);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toBe(2 * HALF);
  });

  const parallelDownloads = async (path: string) => {
    const url = `${t.url}${path}`;
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => download(url, { authorization: `Bearer ${alice.token}` }, 0)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.length).toBe(Number(answer.headers['content-length']));
      expect(answer.length).toBeGreaterThan(BLOB_BYTES * 0.95);
    }
  };

  it(`serves ${PARALLEL} parallel downloads of a 20 MB image proxied from the upstream, each whole`, async () => {
    const task = await insertTask(t, { userId: alice.id, channelId, status: 'IN_PROGRESS', progress: '50%' });
    await setResult(t, task.id, { status: 'IN_PROGRESS', imageUrl: `${sim.url}/sim/blob/${BLOB_BYTES}.png` });
    await parallelDownloads(`/mj/image/${task.mjId}`);
  });

  it(`serves ${PARALLEL} parallel downloads of a 20 MB image from the media store, each whole`, async () => {
    const task = await insertTask(t, { userId: alice.id, channelId, action: 'UPSCALE' });
    await setResult(t, task.id, { imageUrl: `${sim.url}/sim/blob/${BLOB_BYTES}.png` });
    await stored(t, task.id);
    await parallelDownloads(`/mj/image/${task.mjId}`);
  });
});
