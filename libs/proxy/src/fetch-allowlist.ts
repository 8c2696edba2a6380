import { BlockList, isIP } from 'node:net';

/** `host`, `host:port`, `[v6]:port` or `address/prefix`, as MEDIA_FETCH_ALLOWLIST takes them. */
export type AllowlistEntry = { kind: 'host'; host: string; port?: number } | { kind: 'cidr'; address: string; prefix: number; family: 4 | 6 };

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

function validPort(text: string): number | null {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 1 && port <= 65535 ? port : null;
}

function hostEntry(host: string, portText?: string): AllowlistEntry | null {
  const normalized = host.toLowerCase().replace(/\.$/, '');
  if (!isIP(normalized) && !HOSTNAME.test(normalized)) return null;
  if (portText === undefined) return { kind: 'host', host: normalized };
  const port = validPort(portText);
  return port === null ? null : { kind: 'host', host: normalized, port };
}

export function parseAllowlistEntry(raw: string): AllowlistEntry | null {
  const entry = raw.trim();
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (cidr) {
    const family = isIP(cidr[1]);
    const prefix = Number(cidr[2]);
    if (!family || prefix > (family === 4 ? 32 : 128)) return null;
    return { kind: 'cidr', address: cidr[1], prefix, family: family as 4 | 6 };
  }
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(entry);
  if (bracketed) return isIP(bracketed[1]) === 6 ? hostEntry(bracketed[1], bracketed[2]) : null;
  if (isIP(entry) === 6) return hostEntry(entry);
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  return withPort ? hostEntry(withPort[1], withPort[2]) : hostEntry(entry);
}

// Loopback, private, shared, link-local (cloud metadata 169.254.169.254), multicast, reserved, documentation.
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
// Unspecified, loopback, IPv4-compatible, discard, documentation, unique-local (fd00:ec2::254 metadata), link-local, multicast.
const BLOCKED_V6: [string, number][] = [
  ['::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
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

/**
 * Origins the media fetcher may reach although they resolve to private addresses. Configured by
 * MEDIA_FETCH_ALLOWLIST; the API app adds its own demo simulator at start with `allow('127.0.0.1:<port>')`.
 */
export class MediaFetchAllowlist {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  constructor(entries: string[] = []) {
    for (const entry of entries) this.allow(entry);
  }

  allow(raw: string): void {
    const entry = parseAllowlistEntry(raw);
    if (!entry) throw new Error(`invalid allowlist entry "${raw}" (host, host:port or CIDR)`);
    if (entry.kind === 'cidr') this.ranges.addSubnet(entry.address, entry.prefix, entry.family === 4 ? 'ipv4' : 'ipv6');
    else this.hosts.add(entry.port ? `${entry.host}:${entry.port}` : entry.host);
  }

  /** The URL's host (with or without its port) is listed. */
  allowsOrigin(hostname: string, port: number): boolean {
    if (this.hosts.size === 0) return false;
    const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    return this.hosts.has(host) || this.hosts.has(`${host}:${port}`);
  }

  /** The resolved address is inside a listed CIDR. */
  allowsAddress(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
