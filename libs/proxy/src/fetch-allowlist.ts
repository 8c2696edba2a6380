import { BlockList, isIP } from 'node:net';

/** The ports an entry opens: one, or an inclusive range. */
export interface PortRange {
  from: number;
  to: number;
}

/**
 * One MEDIA_FETCH_ALLOWLIST entry, naming exactly what it opens: `host:port` (a DNS name), `address:port` or
 * `[v6]:port`, `cidr:port` or `[v6cidr]:port`; a port may be a range (`8000-8100`). Addresses are normalized first, so
 * `2130706433:80`, `0x7f000001:80`, `0177.0.0.1:80` and `127.1:80` all read as `127.0.0.1:80`.
 */
export type AllowlistEntry =
  { kind: 'name'; host: string; ports: PortRange } | { kind: 'range'; address: string; prefix: number; family: 4 | 6; ports: PortRange };

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;
const FORMS = 'write host:port, [v6]:port or CIDR:port (a port may be a range, 8000-8100)';

function portRange(text: string, raw: string): PortRange {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const from = Number(match?.[1]);
  const to = Number(match?.[2] ?? match?.[1]);
  if (!match || from < 1 || to > 65535 || from > to)
    throw new Error(`"${raw}" has an invalid port "${text}" (1-65535, or a range like 8000-8100)`);
  return { from, to };
}

/** The address a URL parser would connect to: numeric IPv4 spellings (decimal, hex, octal, short) become dotted quads. */
export function normalizeHost(host: string): string | null {
  try {
    return new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}

/** Reads one entry; throws with a message saying what is wrong with it. */
export function parseAllowlistEntry(raw: string): AllowlistEntry {
  const entry = raw
    .trim()
    .toLowerCase()
    .replace(/\.(?=:|$)/, '');
  if (entry.includes('/') && entry.includes('://')) throw new Error(`"${raw}" is a URL: ${FORMS}`);
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
  const split = bracketed ? null : /^([^:]*):([^:]*)$/.exec(entry);
  const [hostPart, portPart] = bracketed ? [bracketed[1], bracketed[2]] : split ? [split[1], split[2]] : [entry, undefined];
  if (!bracketed && !split && entry.split(':').length > 2) throw new Error(`"${raw}": an IPv6 address goes in brackets, [v6]:port`);
  if (portPart === undefined || portPart === '') throw new Error(`"${raw}" names no port, so it would open every port: ${FORMS}`);
  const ports = portRange(portPart, raw);
  const cidr = /^(.+)\/(\d{1,3})$/.exec(hostPart);
  const address = normalizeHost(cidr ? cidr[1] : hostPart);
  const family = address ? isIP(address) : 0;
  if (family) {
    if (bracketed && family !== 6) throw new Error(`"${raw}": only IPv6 addresses go in brackets`);
    const prefix = cidr ? Number(cidr[2]) : family === 4 ? 32 : 128;
    if (prefix > (family === 4 ? 32 : 128)) throw new Error(`"${raw}" has an invalid prefix length`);
    return { kind: 'range', address: address!, prefix, family: family as 4 | 6, ports };
  }
  if (cidr || bracketed || !address || !HOSTNAME.test(address))
    throw new Error(`"${raw}" is not a host name, an address or a CIDR: ${FORMS}`);
  return { kind: 'name', host: address, ports };
}

// Loopback, private, shared, link-local (cloud metadata 169.254.169.254), multicast, reserved, documentation.
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
// Unspecified, loopback, IPv4-compatible, discard, documentation, unique-local (fd00:ec2::254 metadata), link-local, multicast.
const BLOCKED_V6: [string, number][] = [
  ['::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const blocked = new BlockList();
for (const [address, prefix] of BLOCKED_V4) blocked.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of BLOCKED_V6) blocked.addSubnet(address, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16));
}

/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  return mapped || nat64 ? `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}` : null;
}

/** True for an address on the public internet; false for every private, local or special-purpose one. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address);
  if (v4) return isPublicAddress(v4);
  return !blocked.check(address.replace(/%.*$/, ''), 'ipv6');
}

// What a name allowlisted by DNS may resolve to: loopback and private ranges, never link-local (cloud metadata),
// multicast, unspecified or reserved addresses.
const NAMED_V4: [string, number][] = [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
];
const NAMED_V6: [string, number][] = [
  ['::1', 128],
  ['fc00::', 7],
];
const nameable = new BlockList();
for (const [address, prefix] of NAMED_V4) nameable.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of NAMED_V6) nameable.addSubnet(address, prefix, 'ipv6');

/** An IPv4-mapped or NAT64 address as its IPv4 address; any other address as it is. */
function plainAddress(address: string): string {
  return isIP(address) === 6 ? (embeddedIpv4(address) ?? address.replace(/%.*$/, '')) : address;
}

const inPorts = (ports: PortRange, port: number) => port >= ports.from && port <= ports.to;

/**
 * What the media fetcher may reach although it is not public. Configured by MEDIA_FETCH_ALLOWLIST; the API app adds
 * its own demo simulator at start with `allow('127.0.0.1:<port>')`. Every entry names its ports. A name entry lets a
 * URL with that name and port through only while the name resolves where it first did (to loopback or private
 * addresses): a name that later resolves elsewhere is refused.
 */
export class MediaFetchAllowlist {
  private readonly ranges: { list: BlockList; family: 4 | 6; ports: PortRange }[] = [];
  private readonly names: { host: string; ports: PortRange }[] = [];
  /** Where each allowlisted name first resolved (its non-public addresses), trusted from then on. */
  private readonly pinned = new Map<string, Set<string>>();

  constructor(entries: string[] = []) {
    for (const entry of entries) this.allow(entry);
  }

  allow(raw: string): void {
    let entry: AllowlistEntry;
    try {
      entry = parseAllowlistEntry(raw);
    } catch (error) {
      throw new Error(`invalid allowlist entry ${(error as Error).message}`, { cause: error });
    }
    if (entry.kind === 'name') {
      this.names.push({ host: entry.host, ports: entry.ports });
      return;
    }
    const list = new BlockList();
    list.addSubnet(entry.address, entry.prefix, entry.family === 4 ? 'ipv4' : 'ipv6');
    this.ranges.push({ list, family: entry.family, ports: entry.ports });
  }

  /** The address (normalized, IPv4-mapped read as IPv4) on this port is inside an entry. */
  allowsAddress(address: string, port: number): boolean {
    const plain = plainAddress(address);
    const family = isIP(plain);
    if (!family) return false;
    return this.ranges.some(
      (range) => range.family === family && inPorts(range.ports, port) && range.list.check(plain, family === 4 ? 'ipv4' : 'ipv6'),
    );
  }

  /**
   * A name entry covers this host and port, and these resolved non-public addresses are where the name resolved the
   * first time (pinned then), all of them loopback or private.
   */
  allowsResolvedName(hostname: string, port: number, addresses: string[]): boolean {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    if (!this.names.some((name) => name.host === host && inPorts(name.ports, port))) return false;
    const plain = addresses.map(plainAddress);
    if (!plain.every((address) => nameable.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4'))) return false;
    const pins = this.pinned.get(host);
    if (!pins) {
      this.pinned.set(host, new Set(plain));
      return true;
    }
    return plain.every((address) => pins.has(address));
  }
}
