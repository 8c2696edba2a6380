import { HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { DomainError } from '@app/core';
import { isPublicAddress, MediaFetchAllowlist } from '@app/proxy';
import { hooksConfig } from './config/hooks.config';

/** The longest hook URL taken (midjourney-proxy TA's limit for notifyHook). */
export const MAX_HOOK_URL = 2000;

/** A hook URL the gateway will not call: 400 at submit (or when set on a key), a failed attempt at connect time. */
export class HookTargetRefused extends DomainError {
  constructor(
    message: string,
    readonly field = 'notifyHook',
  ) {
    super(HttpStatus.BAD_REQUEST, message, { [field]: message });
  }
}

/** The code a refused connection carries, to tell it apart from a network failure in the delivery log. */
export const BLOCKED_CODE = 'HOOK_ADDRESS_BLOCKED';

/** Name resolution for hook targets; a test replaces `resolve` to point a name somewhere else between two looks. */
@Injectable()
export class HookDns {
  resolve(hostname: string): Promise<LookupAddress[]> {
    return new Promise((resolve, reject) =>
      dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );
  }
}

/**
 * Which hook URLs may be called, with the media fetcher's address rules (libs/proxy: no private, loopback, link-local
 * or metadata ranges) and HOOK_ALLOWLIST for exceptions. Checked twice: at submit, so a bad target is a clear 400 before
 * anything is charged, and at connect time (in `agent`), so a name re-pointed since then is refused too.
 */
@Injectable()
export class HookTargets implements OnApplicationShutdown {
  private readonly allowlist: MediaFetchAllowlist;
  /** The one dispatcher of every delivery: no redirects (undici's request follows none), addresses checked on connect. */
  readonly agent: Agent;
  private readonly guarded = new Map<number, buildConnector.connector>();

  constructor(
    @Inject(hooksConfig.KEY) private readonly config: ConfigType<typeof hooksConfig>,
    private readonly dns: HookDns,
  ) {
    this.allowlist = new MediaFetchAllowlist(config.allowlist);
    const direct = buildConnector({ timeout: config.timeoutMs });
    this.agent = new Agent({
      connect: (target, callback) => {
        const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
        const host = target.hostname.replace(/^\[|\]$/g, '');
        if (isIP(host)) {
          if (!this.addressAllowed(host, port)) return callback(blocked(host, host), null);
          return direct(target, callback);
        }
        return this.connectorFor(port)(target, callback);
      },
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      connections: 64,
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.agent.close();
  }

  /** The URL, parsed, if the gateway may call it now; else HookTargetRefused saying why. */
  async check(raw: string, field = 'notifyHook'): Promise<URL> {
    const url = this.parse(raw, field);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      if (!this.addressAllowed(host, port)) throw refusedAddress(field, host);
      return url;
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.dns.resolve(host);
    } catch {
      // Not resolving now (a DNS hiccup, a name not published yet) is no reason to refuse a paid submit: every
      // attempt resolves again at connect time, and is refused there if the name points somewhere private.
      return url;
    }
    const private_ = addresses.filter((entry) => !this.addressAllowed(entry.address, port)).map((entry) => entry.address);
    if (private_.length && !this.allowlist.allowsResolvedName(host, port, private_)) throw refusedAddress(field, host, private_[0]);
    return url;
  }

  /** The form alone: http(s), no credentials, at most 2000 characters. */
  parse(raw: string, field = 'notifyHook'): URL {
    if (raw.length > MAX_HOOK_URL) throw new HookTargetRefused(`${field} must be at most ${MAX_HOOK_URL} characters`, field);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new HookTargetRefused(`${field} must be an http(s) URL`, field);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HookTargetRefused(`${field} must be an http(s) URL`, field);
    if (url.username || url.password) throw new HookTargetRefused(`${field} must not carry credentials (user:password@)`, field);
    return url;
  }

  private addressAllowed(address: string, port: number): boolean {
    return isPublicAddress(address) || this.allowlist.allowsAddress(address, port);
  }

  private connectorFor(port: number): buildConnector.connector {
    let connector = this.guarded.get(port);
    if (!connector) {
      connector = buildConnector({ timeout: this.config.timeoutMs, lookup: this.lookupFor(port) });
      this.guarded.set(port, connector);
    }
    return connector;
  }

  /** net.connect's lookup: resolves, and refuses the host unless every address is public or allowlisted for this port. */
  private lookupFor(port: number): LookupFunction {
    return (hostname, options, callback) => {
      this.dns.resolve(hostname).then(
        (addresses) => {
          if (!addresses.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
          const private_ = addresses.filter((entry) => !this.addressAllowed(entry.address, port)).map((entry) => entry.address);
          if (private_.length && !this.allowlist.allowsResolvedName(hostname, port, private_)) {
            return callback(blocked(hostname, private_[0]), '', 4);
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
}

function refusedAddress(field: string, host: string, address = host): HookTargetRefused {
  const at = address === host ? host : `${host} (${address})`;
  return new HookTargetRefused(
    `${field} points to a private, local or reserved address: ${at}; only public addresses (or HOOK_ALLOWLIST entries) are called`,
    field,
  );
}

function blocked(host: string, address: string): Error {
  return Object.assign(new Error(`refused: ${host} resolves to the private or local address ${address}`), { code: BLOCKED_CODE });
}
