import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAll } from '../media-streams';
import { LocalMediaStore } from './local-media-store';
import { checkKey, type MediaStore } from './media-store';
import { S3MediaStore } from './s3-media-store';

/** Just enough of S3's path-style API (PUT, ranged GET, DELETE, NoSuchKey) to run the store against real HTTP. */
async function fakeS3(): Promise<{
  server: Server;
  url: string;
  objects: Map<string, { body: Buffer; type: string }>;
  requests: string[];
}> {
  const objects = new Map<string, { body: Buffer; type: string }>();
  const requests: string[] = [];
  const read = async (req: IncomingMessage) => Buffer.concat(await req.toArray());
  const server = createServer(async (req, res) => {
    const key = decodeURIComponent((req.url ?? '').split('?')[0]);
    requests.push(`${req.method} ${key}`);
    if (req.method === 'PUT') {
      objects.set(key, { body: await read(req), type: String(req.headers['content-type']) });
      return res.writeHead(200, { etag: '"x"' }).end();
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      return res.writeHead(204).end();
    }
    const found = objects.get(key);
    if (!found) {
      return res
        .writeHead(404, { 'content-type': 'application/xml' })
        .end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>no</Message></Error>');
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
    if (range) {
      const [start, end] = [Number(range[1]), Number(range[2])];
      const body = found.body.subarray(start, end + 1);
      return res
        .writeHead(206, {
          'content-type': found.type,
          'content-length': body.length,
          'content-range': `bytes ${start}-${end}/${found.body.length}`,
        })
        .end(body);
    }
    res.writeHead(200, { 'content-type': found.type, 'content-length': found.body.length }).end(found.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, requests };
}

const BODY = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

describe.each(['local', 's3'] as const)('%s media store', (kind) => {
  let store: MediaStore;
  let s3: Awaited<ReturnType<typeof fakeS3>> | undefined;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mj-store-'));
    if (kind === 'local') {
      store = new LocalMediaStore(dir);
      return;
    }
    s3 = await fakeS3();
    store = new S3MediaStore(
      { endpoint: s3.url, bucket: 'media', region: 'us-east-1', accessKeyId: 'key', secretAccessKey: 'secret', forcePathStyle: true },
      dir,
    );
  });

  afterAll(() => {
    (store as Partial<S3MediaStore>).close?.();
    s3?.server.close();
  });

  const text = async (key: string, range?: { start: number; end: number }) => {
    const stream = await store.read(key, range);
    return stream ? readAll(stream, 1_000_000) : null;
  };

  it('moves a finished download in, reads it whole and by range, and deletes it', async () => {
    const file = join(store.tempDir, 'download');
    writeFileSync(file, BODY);
    await store.putFile('tasks/1/image-0.png', file, 'image/png', BODY.length);
    expect((await text('tasks/1/image-0.png'))!.equals(BODY)).toBe(true);
    expect((await text('tasks/1/image-0.png', { start: 10, end: 19 }))!.equals(BODY.subarray(10, 20))).toBe(true);
    await store.delete('tasks/1/image-0.png');
    expect(await text('tasks/1/image-0.png')).toBeNull();
    if (s3) expect(s3.requests).toContain('PUT /media/tasks/1/image-0.png');
  });

  it('keeps buffers, with their type, and answers null for what it does not hold', async () => {
    await store.putBuffer('tasks/2/image-1.webp', BODY.subarray(0, 100), 'image/webp');
    expect((await text('tasks/2/image-1.webp'))!.equals(BODY.subarray(0, 100))).toBe(true);
    if (s3) expect(s3.objects.get('/media/tasks/2/image-1.webp')?.type).toBe('image/webp');
    expect(await text('tasks/404/image-0.png')).toBeNull();
  });
});

describe('checkKey', () => {
  it.each(['../etc/passwd', 'tasks/../../x', '/abs', 'tasks//x', 'a b'])('refuses %s', (key) => {
    expect(() => checkKey(key)).toThrow(/invalid media store key/);
  });
});
