import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatorHandle } from '@app/mj-simulator';
import { MediaFetchAllowlist } from '@app/proxy';
import { createTestApp, TestApp } from './app';
import { insertTask, registerChannel, startMediaSimulator } from './media';
import { until } from './upstream';

const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** A local HTTP server that counts the connections it accepted and answers with `handle`. */
async function localServer(
  handle: (path: string, res: ServerResponse) => void,
): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((req, res) => handle(req.url ?? '/', res));
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

describe('media fetching: SSRF guard, size cap, timeouts, upstream errors', () => {
  let sim: SimulatorHandle;
  let t: TestApp;
  let channelId: number;
  let alice: { id: number; token: string };
  let trap: Awaited<ReturnType<typeof localServer>>;
  let upstream: Awaited<ReturnType<typeof localServer>>;

  beforeAll(async () => {
    sim = await startMediaSimulator();
    t = await createTestApp({
      env: {
        MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port}`,
        MEDIA_MAX_BYTES: String(25 * 1024 * 1024),
        MEDIA_FIRST_BYTE_TIMEOUT_MS: '800',
        MEDIA_ARCHIVE_ENABLED: 'false',
      },
    });
    channelId = await registerChannel(t, sim);
    alice = await t.createUser({ username: 'alice' });
    // Reached only if the guard fails: every test below checks it was never connected to.
    trap = await localServer((_path, res) => res.end('trap'));
    upstream = await localServer((path, res) => {
      const redirect = /^\/redirect\/(\d+)$/.exec(path);
      if (path === '/to-trap') return res.writeHead(302, { location: `http://127.0.0.1:${trap.port}/x.png` }).end();
      if (path === '/to-metadata') return res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (path === '/to-sim') return res.writeHead(301, { location: `${sim.url}/sim/blob/1000.png` }).end();
      if (redirect) return res.writeHead(302, { location: `/redirect/${Number(redirect[1]) + 1}` }).end();
      if (path === '/error') return res.writeHead(500, { 'content-type': 'text/plain' }).end('SECRET-UPSTREAM-BODY');
      if (path === '/gone') return res.writeHead(410).end('gone');
      if (path === '/silent') return; // never answers
      if (path === '/svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg onload="alert(1)"/>');
      if (path === '/stall') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000' });
        return res.write(PNG_HEAD);
      }
      res.writeHead(404).end();
    });
    t.app.get(MediaFetchAllowlist).allow(`127.0.0.1:${upstream.port}`);
  });

  afterAll(async () => {
    await t.close();
    await sim.close();
    trap.server.close();
    upstream.server.closeAllConnections();
    upstream.server.close();
  });

  const serve = async (imageUrl: string) => {
    const task = await insertTask(t, { userId: alice.id, channelId, status: 'IN_PROGRESS', progress: '50%', imageUrl });
    return t.http.get(`/mj/image/${task.mjId}`).set('Authorization', `Bearer ${alice.token}`);
  };
  const REFUSED = 'The upstream media URL points to a private or local address; refused';

  it.each([
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/iam.png'],
    ['a 10.0.0.0/8 address', 'http://10.20.30.40/image.png'],
    ['IPv6 metadata', 'http://[fd00:ec2::254]/image.png'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:1/image.png'],
    ['a host resolving to loopback', 'http://localhost:1/image.png'],
  ])('refuses %s before connecting', async (_name, url) => {
    const res = await serve(url);
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ success: false, message: REFUSED });
  });

  it('refuses loopback on a port that is not allowlisted, without ever connecting', async () => {
    const res = await serve(`http://127.0.0.1:${trap.port}/x.png`);
    expect([res.status, res.body.message]).toEqual([502, REFUSED]);
    expect(trap.connections()).toBe(0);
  });

  it('refuses every other spelling of a loopback port that is not the allowlisted one, without connecting', async () => {
    const C = trap.port;
    const hostile = [
      'http://127.0.0.1:5432/x.png', // the database next door
      `http://2130706433:${C}/x.png`,
      `http://0x7f000001:${C}/x.png`,
      `http://0177.0.0.1:${C}/x.png`,
      `http://127.1:${C}/x.png`,
      `http://[::ffff:127.0.0.1]:${C}/x.png`,
      `http://localhost:${C}/x.png`,
    ];
    for (const url of hostile) {
      const res = await serve(url);
      expect([url, res.status, res.body.message]).toEqual([url, 502, REFUSED]);
    }
    // An allowlisted origin as credentials in front of another: refused as such.
    const smuggled = await serve(`http://127.0.0.1:${upstream.port}@127.0.0.1:${C}/x.png`);
    expect([smuggled.status, smuggled.body.message]).toEqual([502, 'The upstream media URL carries credentials; refused']);
    expect(trap.connections()).toBe(0);
    // The exact host:port allowlisted is served.
    const allowed = await serve(`${sim.url}/sim/blob/1000.png`);
    expect([allowed.status, allowed.headers['content-type']]).toEqual([200, 'image/png']);
  });

  it('checks every redirect hop: into a private address refused, an allowed hop followed, at most 3', async () => {
    for (const path of ['/to-trap', '/to-metadata']) {
      const res = await serve(`http://127.0.0.1:${upstream.port}${path}`);
      expect([res.status, res.body.message]).toEqual([502, REFUSED]);
    }
    expect(trap.connections()).toBe(0);
    const followed = await serve(`http://127.0.0.1:${upstream.port}/to-sim`);
    expect([followed.status, followed.headers['content-type']]).toEqual([200, 'image/png']);
    const loop = await serve(`http://127.0.0.1:${upstream.port}/redirect/0`);
    expect([loop.status, loop.body.message]).toEqual([502, 'The upstream redirected more than 3 times']);
  });

  it('refuses other schemes', async () => {
    const res = await serve('file:///etc/passwd');
    expect([res.status, res.body.message]).toEqual([502, 'The upstream media URL is not http(s); refused']);
  });

  it('refuses a file over MEDIA_MAX_BYTES before streaming any of it', async () => {
    const res = await serve(`${sim.url}/sim/blob/${26 * 1024 * 1024}.png`);
    expect([res.status, res.body.message]).toEqual([502, 'The upstream file is larger than the 25 MB limit (MEDIA_MAX_BYTES)']);
  });

  it('gives up on an upstream that does not answer, with a message that says so', async () => {
    const silent = await serve(`http://127.0.0.1:${upstream.port}/silent`);
    expect([silent.status, silent.body.message]).toEqual([502, 'The upstream did not answer within 0.8 s']);
  });

  it('cuts the connection when an upstream stalls in the middle of a file', async () => {
    const res = await serve(`http://127.0.0.1:${upstream.port}/stall`).then(
      (answer) => ({ complete: true, length: answer.body?.length }),
      (error: Error) => ({ complete: false, error: error.message }),
    );
    expect(res.complete).toBe(false);
  });

  it("answers HEAD with the headers alone, leaving the upstream's body unread", async () => {
    let upstreamClosed = 0;
    upstream.server.on('request', (_req, res) => res.on('close', () => (upstreamClosed += 1)));
    const task = await insertTask(t, {
      userId: alice.id,
      channelId,
      status: 'IN_PROGRESS',
      progress: '50%',
      imageUrl: `http://127.0.0.1:${upstream.port}/stall`,
    });
    // The upstream sends its headers and 16 of 100,000 bytes, then stalls: reading on would never end.
    const res = await t.http.head(`/mj/image/${task.mjId}`).set('Authorization', `Bearer ${alice.token}`);
    expect([res.status, res.headers['content-type'], res.headers['content-length']]).toEqual([200, 'image/png', '100000']);
    await until(async () => upstreamClosed > 0, 5000);
  });

  it("never passes an upstream's error body on, and maps 404/410 to 404", async () => {
    const failed = await serve(`http://127.0.0.1:${upstream.port}/error`);
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual({ success: false, message: 'The upstream answered HTTP 500 for this file' });
    const gone = await serve(`http://127.0.0.1:${upstream.port}/gone`);
    expect([gone.status, gone.body.message]).toEqual([404, 'The upstream no longer has this file']);
  });

  it('refuses SVG (script-capable) even when labelled as an image', async () => {
    const res = await serve(`http://127.0.0.1:${upstream.port}/svg`);
    expect([res.status, res.body.message]).toEqual([502, 'The upstream sent image/svg+xml, not an image']);
  });
});
