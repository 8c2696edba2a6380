import type { ConfigType } from '@nestjs/config';
import { type appConfig, PublicUrl, Secrets, type secretsConfig } from '@app/core';
import type { proxyConfig } from './config/proxy.config';
import { MediaSignature } from './media-signature';
import { type MediaSubject, MediaUrls, singleImageCount } from './media-urls.service';

const SECRET = 'a-jwt-secret-of-at-least-thirty-two-characters';

function urls(options: { forward?: boolean; publicUrl?: string; ttl?: number; clientLinks?: 'durable' | 'expiring' } = {}): MediaUrls {
  return new MediaUrls(
    {
      forward: options.forward ?? true,
      urlTtlSeconds: options.ttl ?? 86400,
      clientLinks: options.clientLinks ?? 'durable',
    } as ConfigType<typeof proxyConfig>,
    new Secrets({ secret: SECRET } as ConfigType<typeof secretsConfig>),
    new PublicUrl({ PUBLIC_URL: options.publicUrl } as ConfigType<typeof appConfig>),
  );
}

const task = (fields: Partial<MediaSubject> = {}): MediaSubject => ({
  id: 7,
  mjId: '1712345678901234',
  status: 'SUCCESS',
  action: 'IMAGINE',
  progress: '100%',
  imageUrl: 'https://cdn.example/grid.png',
  videoUrl: '',
  videoUrls: [],
  ...fields,
});

describe('MediaSignature', () => {
  const signature = new MediaSignature(SECRET, 86400);
  const now = 1_764_000_000_000;

  it('signs bound to the task row, the upstream id and the expiry, compactly', () => {
    const exp = signature.expiry(now);
    const sig = signature.sign(7, '1712345678901234', exp);
    expect(sig).toMatch(/^[\w-]{22}$/);
    expect(signature.verify(7, '1712345678901234', exp, sig, now)).toBe(true);
    expect(signature.verify(8, '1712345678901234', exp, sig, now)).toBe(false);
    expect(signature.verify(7, '1712345678901235', exp, sig, now)).toBe(false);
    expect(signature.verify(7, '1712345678901234', exp + 1, sig, now)).toBe(false);
    expect(signature.verify(7, '1712345678901234', exp, `${sig.slice(0, 21)}x`, now)).toBe(false);
    expect(signature.verify(7, '1712345678901234', exp, sig.slice(0, 20), now)).toBe(false);
  });

  it('expires: never valid after exp, which lies between ttl and ttl + one hour ahead and is stable within the hour', () => {
    const exp = signature.expiry(now);
    expect(exp * 1000 - now).toBeGreaterThanOrEqual(86400_000);
    expect(exp * 1000 - now).toBeLessThanOrEqual(86400_000 + 3600_000);
    expect(signature.expiry(now + 1000)).toBe(signature.expiry(now + 3_599_000)); // one URL for a page reloaded within the hour
    const sig = signature.sign(7, 'x', exp);
    expect(signature.verify(7, 'x', exp, sig, exp * 1000 + 1)).toBe(false);
  });

  it('uses a key of its own, not the JWT secret itself', () => {
    expect(new MediaSignature(SECRET, 60).sign(1, 'a', 1)).not.toBe(new MediaSignature(`${SECRET}x`, 60).sign(1, 'a', 1));
  });
});

describe('durable signatures', () => {
  const signature = new MediaSignature(SECRET, 86400);

  it('verify for the same task, id and epoch only', () => {
    const sig = signature.signDurable(7, 'abc', 3);
    expect(signature.verifyDurable(7, 'abc', 3, sig)).toBe(true);
    expect(signature.verifyDurable(7, 'abc', 4, sig)).toBe(false); // revoked: the epoch moved on
    expect(signature.verifyDurable(8, 'abc', 3, sig)).toBe(false);
    expect(signature.verifyDurable(7, 'abd', 3, sig)).toBe(false);
    expect(signature.verifyDurable(7, 'abc', null, sig)).toBe(false); // the owner is gone
  });

  it('are never taken for an expiring signature, nor the other way round', () => {
    const exp = 4_000_000_000;
    expect(signature.verify(7, 'abc', exp, signature.signDurable(7, 'abc', exp), 0)).toBe(false);
    expect(signature.verifyDurable(7, 'abc', 0, signature.sign(7, 'abc', 0))).toBe(false);
  });
});

describe('MediaUrls.links', () => {
  it('gives API clients durable links (no expiry) and the console expiring ones', () => {
    const subject = task({ linkEpoch: 2 });
    const client = urls().links(subject, 'https://gw', 'client');
    expect(client.imageUrl).toMatch(/^https:\/\/gw\/mj\/image\/1712345678901234\?sig=[\w-]{22}$/);
    expect(client.imageUrls[0]).toBe(`https://gw/mj/image/1712345678901234/1${client.imageUrl.slice(client.imageUrl.indexOf('?'))}`);
    expect(urls().links(subject, 'https://gw', 'console').imageUrl).toMatch(/\?exp=\d+&sig=/);
    expect(urls({ clientLinks: 'expiring' }).links(subject, 'https://gw', 'client').imageUrl).toMatch(/\?exp=\d+&sig=/);
    // A subject read without its epoch cannot be signed durably: it falls back to an expiring link.
    expect(urls().links(task(), 'https://gw', 'client').imageUrl).toMatch(/\?exp=\d+&sig=/);
  });

  it('points every link at the gateway with the same signature', () => {
    const links = urls().links(
      task({ videoUrl: 'https://cdn.example/v.mp4', videoUrls: ['https://cdn.example/v.mp4', 'https://cdn.example/w.mp4'] }),
      'https://gw.example',
    );
    expect(links.imageUrl).toMatch(/^https:\/\/gw\.example\/mj\/image\/1712345678901234\?exp=\d+&sig=[\w-]{22}$/);
    expect(links.imageUrls).toEqual(
      [1, 2, 3, 4].map((n) => `https://gw.example/mj/image/1712345678901234/${n}${links.imageUrl.slice(links.imageUrl.indexOf('?'))}`),
    );
    expect(links.videoUrl).toMatch(/\/mj\/video\/1712345678901234\?exp=/);
    expect(links.videoUrls.map((u) => u.split('?')[0])).toEqual([
      'https://gw.example/mj/video/1712345678901234/1',
      'https://gw.example/mj/video/1712345678901234/2',
    ]);
    expect(JSON.stringify(links)).not.toContain('cdn.example');
  });

  it("prefers PUBLIC_URL over the request's origin", () => {
    const media = urls({ publicUrl: 'https://mj.example.com/' });
    expect(media.links(task(), media.base('http://10.0.0.5:3000')).imageUrl).toMatch(/^https:\/\/mj\.example\.com\/mj\/image\//);
  });

  it('keeps empty values empty', () => {
    expect(urls().links(task({ imageUrl: '', status: 'IN_PROGRESS' }), 'https://gw')).toEqual({
      imageUrl: '',
      imageUrls: [],
      videoUrl: '',
      videoUrls: [],
    });
    expect(urls().links(task({ mjId: '' }), 'https://gw').imageUrl).toBe('');
  });

  it('adds a version to previews that changes with the progress', () => {
    const at = (progress: string) =>
      urls().links(task({ status: 'IN_PROGRESS', progress }), 'https://gw', 'console', 1_764_000_000_000).imageUrl;
    expect(at('40%')).toMatch(/&v=\w+$/);
    expect(at('40%')).toBe(at('40%'));
    expect(at('60%')).not.toBe(at('40%'));
  });

  it('passes the upstream URLs through when forwarding is off', () => {
    expect(urls({ forward: false }).links(task({ imageUrls: ['a', 'b'] }), 'https://gw')).toEqual({
      imageUrl: 'https://cdn.example/grid.png',
      imageUrls: ['a', 'b'],
      videoUrl: '',
      videoUrls: [],
    });
  });
});

describe('singleImageCount', () => {
  it.each([
    [{ action: 'IMAGINE' }, 4],
    [{ action: 'VARIATION' }, 4],
    [{ action: 'BLEND' }, 4],
    [{ action: 'UPSCALE' }, 0],
    [{ action: 'UPSCALE', imageUrls: ['a', 'b', 'c', 'd', 'e'] }, 4],
    [{ action: 'IMAGINE', status: 'IN_PROGRESS' }, 0],
    [{ action: 'IMAGINE', imageUrl: '' }, 0],
  ])('%j → %i', (fields, count) => {
    expect(singleImageCount(task(fields as Partial<MediaSubject>))).toBe(count);
  });
});
