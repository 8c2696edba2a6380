import { randomBytes } from 'node:crypto';
import { openSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBody, sendFile } from './file-body';

const openFds = () => readdirSync('/proc/self/fd').length;

describe('sendFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-body-'));
  const file = join(dir, 'image.bin');
  // Several reads of 64 KB and a short last one.
  const bytes = randomBytes(5 * 64 * 1024 + 1234);
  writeFileSync(file, bytes);
  let server: Server;
  let url: string;
  let range = { start: 0, end: bytes.length - 1 };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('Content-Length', range.end - range.start + 1);
      sendFile(new FileBody(openSync(file, 'r'), range.start, range.end), res, (error) => res.destroy(error));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const download = () =>
    new Promise<Buffer>((resolve, reject) => {
      get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject);
    });

  it('sends the whole file, and byte ranges across read boundaries, exactly; reused buffers never mix two answers', async () => {
    range = { start: 0, end: bytes.length - 1 };
    const answers = await Promise.all(Array.from({ length: 8 }, download));
    for (const answer of answers) expect(answer.equals(bytes)).toBe(true);
    range = { start: 65_000, end: 200_000 };
    const parts = await Promise.all(Array.from({ length: 4 }, download));
    for (const part of parts) expect(part.equals(bytes.subarray(65_000, 200_001))).toBe(true);
  });

  it('closes the file when the answer is sent and when the client leaves mid-way', async () => {
    range = { start: 0, end: bytes.length - 1 };
    // One connection per request (no keep-alive): a finished exchange leaves no socket open.
    await download();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = openFds();
    await download();
    await new Promise<void>((resolve, reject) => {
      get(url, { agent: false }, (res) => {
        res.once('data', () => {
          res.destroy();
          resolve();
        });
      }).on('error', reject);
    });
    // The server sees the client leave a moment later.
    for (let i = 0; i < 50 && openFds() > before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(openFds()).toBe(before);
  });
});
