import { isPublicAddress, MediaFetchAllowlist, parseAllowlistEntry } from './fetch-allowlist';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.0.1',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '198.18.0.1',
    '192.0.2.1',
    '::',
    '::1',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    '::127.0.0.1',
    '2001:db8::1',
    'not-an-ip',
    '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('MEDIA_FETCH_ALLOWLIST entries', () => {
  const any = { from: 1, to: 65535 };
  it.each([
    ['sim.local:8081', { kind: 'name', host: 'sim.local', ports: { from: 8081, to: 8081 } }],
    ['SIM.local.:8081', { kind: 'name', host: 'sim.local', ports: { from: 8081, to: 8081 } }],
    ['127.0.0.1:8081', { kind: 'range', address: '127.0.0.1', prefix: 32, family: 4, ports: { from: 8081, to: 8081 } }],
    ['[::1]:8081', { kind: 'range', address: '::1', prefix: 128, family: 6, ports: { from: 8081, to: 8081 } }],
    ['10.0.0.0/8:8000-8100', { kind: 'range', address: '10.0.0.0', prefix: 8, family: 4, ports: { from: 8000, to: 8100 } }],
    ['[fd00::/8]:443', { kind: 'range', address: 'fd00::', prefix: 8, family: 6, ports: { from: 443, to: 443 } }],
    ['10.0.0.0/8:1-65535', { kind: 'range', address: '10.0.0.0', prefix: 8, family: 4, ports: any }],
  ])('reads %s', (raw, entry) => {
    expect(parseAllowlistEntry(raw)).toEqual(entry);
  });

  it.each([
    ['2130706433:8081', '127.0.0.1'],
    ['0x7f000001:8081', '127.0.0.1'],
    ['0177.0.0.1:8081', '127.0.0.1'],
    ['127.1:8081', '127.0.0.1'],
    ['[::ffff:7f00:1]:8081', '::ffff:7f00:1'],
  ])('normalizes the numeric spelling %s before deciding', (raw, address) => {
    expect(parseAllowlistEntry(raw)).toMatchObject({ kind: 'range', address });
  });

  it.each([
    ['127.0.0.1', /names no port/],
    ['sim.local', /names no port/],
    ['10.0.0.0/8', /names no port/],
    ['[::1]', /names no port/],
    ['::1', /IPv6 address goes in brackets/],
    ['http://sim:80', /is a URL/],
    ['sim:0', /invalid port/],
    ['sim:70000', /invalid port/],
    ['sim:90-80', /invalid port/],
    ['10.0.0.0/33:80', /invalid prefix/],
    ['a b:80', /not a host name/],
    ['[nope]:1', /not a host name/],
    ['host:port', /invalid port/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseAllowlistEntry(raw)).toThrow(message);
  });

  it('opens exactly the listed addresses and ports', () => {
    const allowlist = new MediaFetchAllowlist(['127.0.0.1:8081', '10.1.0.0/16:9000-9001']);
    expect(allowlist.allowsAddress('127.0.0.1', 8081)).toBe(true);
    expect(allowlist.allowsAddress('::ffff:127.0.0.1', 8081)).toBe(true);
    expect(allowlist.allowsAddress('127.0.0.1', 8082)).toBe(false);
    expect(allowlist.allowsAddress('127.0.0.2', 8081)).toBe(false);
    expect(allowlist.allowsAddress('10.1.2.3', 9001)).toBe(true);
    expect(allowlist.allowsAddress('10.1.2.3', 5432)).toBe(false);
    expect(allowlist.allowsAddress('10.2.0.1', 9000)).toBe(false);
    allowlist.allow('[::1]:9000');
    expect(allowlist.allowsAddress('::1', 9000)).toBe(true);
    expect(() => allowlist.allow('no such thing')).toThrow(/invalid allowlist entry/);
  });

  it('trusts a name only on its port and where it first resolved', () => {
    const allowlist = new MediaFetchAllowlist(['mj-proxy.internal:8080']);
    expect(allowlist.allowsResolvedName('mj-proxy.internal', 8080, ['10.0.0.5'])).toBe(true);
    expect(allowlist.allowsResolvedName('MJ-PROXY.internal', 8080, ['10.0.0.5'])).toBe(true);
    expect(allowlist.allowsResolvedName('mj-proxy.internal', 8081, ['10.0.0.5'])).toBe(false);
    expect(allowlist.allowsResolvedName('mj-proxy.internal', 8080, ['10.0.0.6'])).toBe(false);
    expect(allowlist.allowsResolvedName('mj-proxy.internal', 8080, ['127.0.0.1'])).toBe(false);
    expect(allowlist.allowsResolvedName('other.internal', 8080, ['10.0.0.5'])).toBe(false);
    // Never the cloud metadata or other link-local addresses, even on first use.
    const fresh = new MediaFetchAllowlist(['meta.internal:80']);
    expect(fresh.allowsResolvedName('meta.internal', 80, ['169.254.169.254'])).toBe(false);
  });
});
