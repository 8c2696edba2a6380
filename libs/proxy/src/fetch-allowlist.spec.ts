import { isPublicAddress, MediaFetchAllowlist, parseAllowlistEntry } from './fetch-allowlist';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '169.254.0.1', '100.64.0.1', '0.0.0.0', '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1', '192.0.2.1',
    '::', '::1', 'fd00:ec2::254', 'fc00::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1',
    '::ffff:169.254.169.254', '64:ff9b::a00:1', '::127.0.0.1', '2001:db8::1', 'not-an-ip', '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['1.1.1.1', '8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('MEDIA_FETCH_ALLOWLIST entries', () => {
  it.each([
    ['sim.local', { kind: 'host', host: 'sim.local' }],
    ['127.0.0.1:8081', { kind: 'host', host: '127.0.0.1', port: 8081 }],
    ['[::1]:8081', { kind: 'host', host: '::1', port: 8081 }],
    ['::1', { kind: 'host', host: '::1' }],
    ['10.0.0.0/8', { kind: 'cidr', address: '10.0.0.0', prefix: 8, family: 4 }],
    ['fd00::/8', { kind: 'cidr', address: 'fd00::', prefix: 8, family: 6 }],
  ])('reads %s', (raw, entry) => {
    expect(parseAllowlistEntry(raw)).toEqual(entry);
  });

  it.each(['http://sim', 'sim:0', 'sim:70000', '10.0.0.0/33', 'a b', '[nope]:1', 'host:port'])('rejects %s', (raw) => {
    expect(parseAllowlistEntry(raw)).toBeNull();
  });

  it('matches hosts with or without their port, and addresses inside ranges', () => {
    const allowlist = new MediaFetchAllowlist(['sim.local', '127.0.0.1:8081', '10.1.0.0/16']);
    expect(allowlist.allowsOrigin('SIM.local', 443)).toBe(true);
    expect(allowlist.allowsOrigin('127.0.0.1', 8081)).toBe(true);
    expect(allowlist.allowsOrigin('127.0.0.1', 8082)).toBe(false);
    expect(allowlist.allowsAddress('10.1.2.3')).toBe(true);
    expect(allowlist.allowsAddress('10.2.0.1')).toBe(false);
    allowlist.allow('[::1]:9000');
    expect(allowlist.allowsOrigin('[::1]', 9000)).toBe(true);
    expect(() => allowlist.allow('no such thing')).toThrow(/invalid allowlist entry/);
  });
});
