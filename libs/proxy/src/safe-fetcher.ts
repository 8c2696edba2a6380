import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, buildConnector, request } from 'undici';
import { describeContentType, type MediaKind, sniffMedia, SNIFF_BYTES, type SniffedType } from './content-sniff';
import { isPublicAddress, type MediaFetchAllowlist } from './fetch-allowlist';
import { BlockedAddressError, UpstreamMediaError, UpstreamMediaGoneError } from './media.errors';

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface SafeFetcherOptions {
  allowlist: MediaFetchAllowlist;
  maxBytes: number;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  totalTimeoutMs: number;
  /** DNS resolution; tests stub it to hand out private addresses without any traffic. */
  resolve?: Resolver;
}

/** An upstream file, checked: 200, allowed type by its bytes, within the size cap. `body` starts at byte 0. */
export interface UpstreamMedia {
  type: SniffedType['type'];
  length: number | null;
  etag: string | null;
  body: Readable;
}

const MAX_REDIRECTS = 3;
const REDIRECT = new Set([301, 302, 303, 307, 308]);
const systemResolve: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** Drops a body we will not read (undici reports a destroyed body as an error: nobody is waiting for that one). */
export function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function httpUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new UpstreamMediaError('The upstream gave a malformed media URL', false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UpstreamMediaError('The upstream media URL is not http(s); refused', false);
  // Media links never need credentials; `http://allowed@elsewhere/` reads one host and connects to another.
  if (url.username || url.password) throw new UpstreamMediaError('The upstream media URL carries credentials; refused', false);
  return url;
}

/** Reads until `bytes` are buffered (or the body ends), then puts them back: the body still starts at byte 0. */
function peek(body: Readable, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      body.off('readable', onReadable).off('end', onEnd).off('error', done);
      if (error) return reject(error);
      const head = Buffer.concat(chunks, size);
      if (size) body.unshift(head);
      resolve(head);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while (size < bytes && (chunk = body.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        size += chunk.length;
      }
      if (size >= bytes) done();
    };
    const onEnd = () => done();
    body.on('readable', onReadable).once('end', onEnd).once('error', done);
  });
}

/**
 * The only code that fetches media URLs (they come from upstream data, so they are untrusted). http(s) only; every
 * address a host resolves to is checked at connect time (no DNS-rebinding window), literal addresses too; redirects
 * are followed by hand, each hop checked again; connect, first-byte and total timeouts; a size cap; the type is
 * decided by the bytes.
 */
export class SafeFetcher {
  private readonly agent: Agent;
  private readonly resolve: Resolver;
  /** One guarded connector per port: the lookup needs the port to apply the allowlist. */
  private readonly guarded = new Map<number, buildConnector.connector>();

  constructor(private readonly options: SafeFetcherOptions) {
    this.resolve = options.resolve ?? systemResolve;
    const direct = buildConnector({ timeout: options.connectTimeoutMs });
    this.agent = new Agent({
      connect: (target, callback) => {
        const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
        const host = target.hostname.replace(/^\[|\]$/g, '');
        // A literal address is never looked up, so it is checked here, before any connection.
        if (isIP(host)) {
          if (!this.addressAllowed(host, port)) return callback(new BlockedAddressError(host, host), null);
          return direct(target, callback);
        }
        return this.connectorFor(port)(target, callback);
      },
      headersTimeout: options.firstByteTimeoutMs,
      bodyTimeout: options.firstByteTimeoutMs,
      maxResponseSize: options.maxBytes,
      connections: 256,
    });
  }

  private addressAllowed(address: string, port: number): boolean {
    return isPublicAddress(address) || this.options.allowlist.allowsAddress(address, port);
  }

  private connectorFor(port: number): buildConnector.connector {
    let connector = this.guarded.get(port);
    if (!connector) {
      connector = buildConnector({ timeout: this.options.connectTimeoutMs, lookup: this.lookupFor(port) });
      this.guarded.set(port, connector);
    }
    return connector;
  }

  /**
   * net.connect's lookup: resolves, and refuses the host unless every address it resolves to is public, inside an
   * allowlisted range for this port, or where an allowlisted name (for this port) first resolved.
   */
  private lookupFor(port: number): LookupFunction {
    return (hostname, options, callback) => {
      this.resolve(hostname).then(
        (addresses) => {
          if (!addresses.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
          const private_ = addresses.filter((entry) => !this.addressAllowed(entry.address, port));
          if (
            private_.length &&
            !this.options.allowlist.allowsResolvedName(
              hostname,
              port,
              private_.map((entry) => entry.address),
            )
          ) {
            return callback(new BlockedAddressError(hostname, private_[0].address), '', 4);
          }
          const family = options.family === 4 || options.family === 6 ? options.family : 0;
          const usable = family ? addresses.filter((entry) => entry.family === family) : addresses;
          if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
          callback(null, usable[0]?.address ?? '', usable[0]?.family ?? 4);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 4),
      );
    };
  }

  /** Opens an upstream image or video; throws a DomainError (502, or 404 for a file the upstream no longer has). */
  async open(raw: string, expect: MediaKind, signal?: AbortSignal): Promise<UpstreamMedia> {
    let url = httpUrl(raw);
    const deadline = AbortSignal.timeout(this.options.totalTimeoutMs);
    const abort = signal ? AbortSignal.any([deadline, signal]) : deadline;
    for (let hop = 0; ; hop++) {
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(url, {
          dispatcher: this.agent,
          method: 'GET',
          headers: { accept: expect === 'image' ? 'image/*' : 'video/*', 'user-agent': 'mj-gateway-media/1' },
          signal: abort,
        });
      } catch (error) {
        throw this.describe(error, deadline, signal);
      }
      const { statusCode, headers, body } = response;
      if (REDIRECT.has(statusCode) && headers.location) {
        discard(body);
        if (hop >= MAX_REDIRECTS) throw new UpstreamMediaError(`The upstream redirected more than ${MAX_REDIRECTS} times`, false);
        url = httpUrl(String(header(headers.location)), url);
        continue;
      }
      if (statusCode !== 200) {
        discard(body);
        if (statusCode === 404 || statusCode === 410) throw new UpstreamMediaGoneError();
        throw new UpstreamMediaError(`The upstream answered HTTP ${statusCode} for this file`, statusCode >= 500 || statusCode === 429);
      }
      const lengthHeader = header(headers['content-length']);
      const length = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
      if (length !== null && length > this.options.maxBytes) {
        discard(body);
        throw this.tooLarge();
      }
      let head: Buffer;
      try {
        head = await peek(body, SNIFF_BYTES);
      } catch (error) {
        discard(body);
        throw this.describe(error, deadline, signal);
      }
      const sniffed = sniffMedia(head);
      if (!sniffed || sniffed.kind !== expect) {
        discard(body);
        const sent = sniffed ? sniffed.type : describeContentType(headers['content-type']);
        throw new UpstreamMediaError(`The upstream sent ${sent}, not ${expect === 'image' ? 'an image' : 'a video'}`, false);
      }
      return { type: sniffed.type, length, etag: header(headers.etag) ?? null, body };
    }
  }

  /** Turns a transport failure into a message a caller can act on; the client going away is passed through. */
  describe(error: unknown, deadline?: AbortSignal, signal?: AbortSignal): Error {
    if (signal?.aborted || error instanceof UpstreamMediaError) return error as Error;
    const found = error as { code?: string; name?: string; cause?: unknown } | undefined;
    const cause = found?.cause as { code?: string } | undefined;
    const code = found?.code ?? cause?.code;
    const { connectTimeoutMs, firstByteTimeoutMs, totalTimeoutMs } = this.options;
    if (error instanceof BlockedAddressError || cause instanceof BlockedAddressError || code === 'MEDIA_ADDRESS_BLOCKED') {
      return new UpstreamMediaError('The upstream media URL points to a private or local address; refused', false);
    }
    if (deadline?.aborted || found?.name === 'TimeoutError')
      return new UpstreamMediaError(`The upstream took longer than ${seconds(totalTimeoutMs)} to deliver the file`, true);
    if (code === 'UND_ERR_CONNECT_TIMEOUT')
      return new UpstreamMediaError(`The upstream did not accept a connection within ${seconds(connectTimeoutMs)}`, true);
    if (code === 'UND_ERR_HEADERS_TIMEOUT')
      return new UpstreamMediaError(`The upstream did not answer within ${seconds(firstByteTimeoutMs)}`, true);
    if (code === 'UND_ERR_BODY_TIMEOUT')
      return new UpstreamMediaError(`The upstream stalled for ${seconds(firstByteTimeoutMs)} while sending the file`, true);
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return this.tooLarge();
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new UpstreamMediaError('The upstream media host does not resolve', true);
    if (code === 'ECONNREFUSED') return new UpstreamMediaError('The upstream media host refused the connection', true);
    return new UpstreamMediaError(`The upstream media host could not be reached${code ? ` (${code})` : ''}`, true);
  }

  tooLarge(): UpstreamMediaError {
    const { maxBytes } = this.options;
    const limit = maxBytes >= 1024 * 1024 ? `${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(maxBytes / 1024)} KB`;
    return new UpstreamMediaError(`The upstream file is larger than the ${limit} limit (MEDIA_MAX_BYTES)`, false);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
