import type { LookupAddress } from 'node:dns';
import { createHmac } from 'node:crypto';
import type { HooksConfig } from './config/hooks.config';
import { hookSignature } from './hook-signature';
import { HookDns, HookTargets } from './hook-targets';

/** Name resolution from a table: no network. */
class TableDns extends HookDns {
  constructor(private readonly table: Record<string, string[]>) {
    super();
  }

  override async resolve(hostname: string): Promise<LookupAddress[]> {
    const addresses = this.table[hostname];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
}

function targets(table: Record<string, string[]>, allowlist: string[] = []): HookTargets {
  const config = { allowlist, timeoutMs: 1000 } as HooksConfig;
  return new HookTargets(config, new TableDns(table));
}

describe('HookTargets.check (the submit-time check of a hook URL)', () => {
  const dns = {
    'hooks.example.com': ['93.184.216.34'],
    'inside.example.com': ['10.1.2.3'],
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'mapped.example.com': ['::ffff:169.254.169.254'],
    'local.test': ['127.0.0.1'],
  };
  const t = targets(dns, ['local.test:8080', '192.168.5.0/24:9000']);

  it('takes public targets, and names that do not resolve yet (they are checked again at connect time)', async () => {
    await expect(t.check('https://hooks.example.com/mj')).resolves.toBeInstanceOf(URL);
    await expect(t.check('http://93.184.216.34:8443/x')).resolves.toBeInstanceOf(URL);
    await expect(t.check('https://unknown.example.com/mj')).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['http://10.0.0.1/x', /private, local or reserved address: 10\.0\.0\.1/],
    ['http://[::1]:80/x', /private, local or reserved/],
    ['http://0x7f000001/x', /private, local or reserved/],
    ['http://inside.example.com/x', /inside\.example\.com \(10\.1\.2\.3\)/],
    ['http://mixed.example.com/x', /127\.0\.0\.1/],
    ['http://mapped.example.com/x', /private, local or reserved/],
    ['http://local.test:8081/x', /private, local or reserved/],
    ['file:///etc/passwd', /http\(s\) URL/],
    ['not a url', /http\(s\) URL/],
    ['https://a:b@hooks.example.com/', /credentials/],
  ])('refuses %s', async (url, message) => {
    await expect(t.check(url)).rejects.toThrow(message);
  });

  it('refuses a URL over 2000 characters', async () => {
    await expect(t.check(`https://hooks.example.com/${'x'.repeat(2000)}`)).rejects.toThrow(/at most 2000 characters/);
  });

  it('lets HOOK_ALLOWLIST entries through, on their ports only', async () => {
    await expect(t.check('http://local.test:8080/x')).resolves.toBeInstanceOf(URL);
    await expect(t.check('http://192.168.5.7:9000/x')).resolves.toBeInstanceOf(URL);
    await expect(t.check('http://192.168.5.7:9001/x')).rejects.toThrow(/private/);
  });

  it('names the field in its message and errors', async () => {
    const error = await t.check('http://10.0.0.1/', 'hook_url').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, errors: { hook_url: expect.stringMatching(/^hook_url points to/) } });
  });
});

describe('hookSignature', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const body = '{"id":"1","status":"SUCCESS","sequence":3}';
    const expected = createHmac('sha256', 'whsec_test').update(`1764061200.${body}`).digest('hex');
    expect(hookSignature('whsec_test', 1764061200, body)).toBe(`t=1764061200,v1=${expected}`);
  });
});
