import type { LookupAddress } from 'node:dns';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaFetchAllowlist } from './fetch-allowlist';
import { readAll } from './media-streams';
import { SafeFetcher, type SafeFetcherOptions } from './safe-fetcher';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(300_000, 7)]);

/**
 * Every TCP connect of this process, by address. Anything but loopback is refused right here, so even a broken guard
 * sends no packet to a private range.
 */
const dialled: string[] = [];
const { TCP } = (
  process as unknown as { binding(name: string): { TCP: { prototype: Record<string, (...args: unknown[]) => number> } } }
).binding('tcp_wrap');
const originals = { connect: TCP.prototype.connect, connect6: TCP.prototype.connect6 };
beforeAll(() => {
  for (const name of ['connect', 'connect6'] as const) {
    TCP.prototype[name] = function (this: unknown, ...args: unknown[]) {
      const address = String(args[1]);
      dialled.push(address);
      if (address !== '127.0.0.1' && address !== '::1') return -111;
      return originals[name].apply(this, args);
    };
  }
});
afterAll(() => Object.assign(TCP.prototype, originals));

describe('SafeFetcher', () => {
  let server: Server;
  let port: number;
  const fetchers: SafeFetcher[] = [];

  beforeAll(async () => {
    server = createServer((req, res: ServerResponse) => {
      const path = req.url ?? '/';
      if (path === '/png') return res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': PNG.length }).end(PNG);
      if (path === '/chunked') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG.subarray(0, 5)); // less than the sniffing needs: the rest comes in later chunks
        setTimeout(() => res.end(PNG.subarray(5)), 20);
        return;
      }
      if (path === '/big-chunked') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG);
        return res.end(PNG);
      }
      if (path === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<script>alert(1)</script>');
      if (path === '/hop') return res.writeHead(302, { location: '/png' }).end();
      if (path === '/to-private') return res.writeHead(302, { location: 'http://internal.example:80/x.png' }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    server.close();
  });

  const fetcher = (options: Partial<SafeFetcherOptions> & { allow?: string[] } = {}) => {
    const created = new SafeFetcher({
      allowlist: new MediaFetchAllowlist(options.allow ?? []),
      maxBytes: 1024 * 1024,
      connectTimeoutMs: 1000,
      firstByteTimeoutMs: 1000,
      totalTimeoutMs: 5000,
      ...options,
    });
    fetchers.push(created);
    return created;
  };
  const stub = (...addresses: string[]) => {
    const asked: string[] = [];
    const resolve = async (hostname: string): Promise<LookupAddress[]> => {
      asked.push(hostname);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { resolve, asked };
  };
  const REFUSED = /private or local address; refused/;

  it('refuses loopback unless allowlisted, by host:port or by CIDR', async () => {
    const before = dialled.length;
    await expect(fetcher().open(`http://127.0.0.1:${port}/png`, 'image')).rejects.toThrow(REFUSED);
    expect(dialled.length).toBe(before);
    for (const allow of [[`127.0.0.1:${port}`], [`127.0.0.0/8:${port}`], [`2130706433:${port}`]]) {
      const media = await fetcher({ allow }).open(`http://127.0.0.1:${port}/png`, 'image');
      expect(media).toMatchObject({ type: 'image/png', length: PNG.length });
      expect((await readAll(media.body, 10_000_000)).equals(PNG)).toBe(true);
    }
    expect(dialled.slice(before)).toContain('127.0.0.1'); // the hook sees real connections
  });

  it.each([
    ['a 10.0.0.0/8 address', ['10.1.2.3']],
    ['the cloud metadata address', ['169.254.169.254']],
    ['the IPv6 metadata address', ['fd00:ec2::254']],
    ['a public and a private address', ['8.8.8.8', '10.0.0.1']],
  ])('refuses a host that resolves to %s in its lookup, before any connection', async (_name, addresses) => {
    const { resolve, asked } = stub(...(addresses as string[]));
    const before = dialled.length;
    await expect(fetcher({ resolve }).open('http://images.example/x.png', 'image')).rejects.toThrow(REFUSED);
    expect(asked).toEqual(['images.example']);
    expect(dialled.length).toBe(before);
  });

  it('lets a resolved private address through when its range is allowlisted for that port', async () => {
    const { resolve } = stub('127.0.0.1');
    const media = await fetcher({ resolve, allow: [`127.0.0.0/8:${port}`] }).open(`http://sim.example:${port}/png`, 'image');
    expect(media.type).toBe('image/png');
    media.body.destroy();
    await expect(fetcher({ resolve, allow: [`127.0.0.0/8:${port + 1}`] }).open(`http://sim.example:${port}/png`, 'image')).rejects.toThrow(
      REFUSED,
    );
  });

  it('refuses an allowlisted name once it resolves somewhere else than where it first did', async () => {
    let address = '127.0.0.1';
    const resolve = async (): Promise<LookupAddress[]> => [{ address, family: 4 }];
    const pinned = fetcher({ resolve, allow: [`sim.example:${port}`] });
    const first = await pinned.open(`http://sim.example:${port}/png`, 'image');
    first.body.destroy();
    // The name now points at another private address (say a database on the same network): refused before connecting.
    address = '10.0.0.9';
    const before = dialled.length;
    await expect(pinned.open(`http://sim.example:${port}/png`, 'image')).rejects.toThrow(REFUSED);
    expect(dialled.length).toBe(before);
    // Another port on the name is not covered by its entry.
    address = '127.0.0.1';
    await expect(pinned.open(`http://sim.example:${port + 1}/png`, 'image')).rejects.toThrow(REFUSED);
  });

  it('refuses credentials in a media URL', async () => {
    await expect(fetcher({ allow: [`127.0.0.1:${port}`] }).open(`http://127.0.0.1:${port}@127.0.0.1:${port}/png`, 'image')).rejects.toThrow(
      /credentials/,
    );
  });

  it('checks every redirect hop again', async () => {
    const { resolve } = stub('10.9.9.9');
    const before = dialled.length;
    await expect(fetcher({ resolve, allow: [`127.0.0.1:${port}`] }).open(`http://127.0.0.1:${port}/to-private`, 'image')).rejects.toThrow(
      REFUSED,
    );
    expect(dialled.slice(before).every((address) => address === '127.0.0.1')).toBe(true);
    const hopped = await fetcher({ allow: [`127.0.0.1:${port}`] }).open(`http://127.0.0.1:${port}/hop`, 'image');
    expect(hopped.length).toBe(PNG.length);
    hopped.body.destroy();
  });

  it('decides the type by the bytes, and keeps every byte when the first chunk is short', async () => {
    const allowed = fetcher({ allow: [`127.0.0.1:${port}`] });
    await expect(allowed.open(`http://127.0.0.1:${port}/html`, 'image')).rejects.toThrow('The upstream sent text/html, not an image');
    await expect(allowed.open(`http://127.0.0.1:${port}/png`, 'video')).rejects.toThrow('The upstream sent image/png, not a video');
    const media = await allowed.open(`http://127.0.0.1:${port}/chunked`, 'image');
    expect(media.length).toBeNull();
    expect((await readAll(media.body, 10_000_000)).equals(PNG)).toBe(true);
  });

  it('enforces the size cap by Content-Length up front, and on a body without one while it streams', async () => {
    const small = fetcher({ allow: [`127.0.0.1:${port}`], maxBytes: 100_000 });
    await expect(small.open(`http://127.0.0.1:${port}/png`, 'image')).rejects.toThrow('larger than the 98 KB limit');
    const media = await fetcher({ allow: [`127.0.0.1:${port}`], maxBytes: 400_000 }).open(`http://127.0.0.1:${port}/big-chunked`, 'image');
    await expect(readAll(media.body, 10_000_000)).rejects.toThrow();
  });

  it('maps 404 to "gone" and refuses non-http schemes', async () => {
    const allowed = fetcher({ allow: [`127.0.0.1:${port}`] });
    await expect(allowed.open(`http://127.0.0.1:${port}/missing`, 'image')).rejects.toThrow('The upstream no longer has this file');
    await expect(allowed.open('gopher://127.0.0.1/x', 'image')).rejects.toThrow('not http(s)');
  });
});
