import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { SubmitResultVO, Task as UpstreamTask } from '@app/mj-protocol';
import { MidjourneyProxyClient } from './midjourney-proxy.client';
import { MIDJOURNEY_PROXY, type ProbeResult, UPSTREAM_KINDS, type UpstreamKind, type UpstreamTarget, UpstreamError } from './upstream-kind';

/**
 * The one way the gateway calls upstreams: each call goes to the upstream kind of the channel's `type` (the built-in
 * midjourney-proxy client, or one a module registered with `@UpstreamKindProvider()`).
 */
@Injectable()
export class UpstreamClient implements OnApplicationBootstrap {
  private readonly byKind = new Map<string, UpstreamKind>();

  constructor(
    builtIn: MidjourneyProxyClient,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {
    this.byKind.set(MIDJOURNEY_PROXY, builtIn);
  }

  onApplicationBootstrap(): void {
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype || typeof metatype !== 'function') continue;
      const kind = this.reflector.get<string | undefined>(UPSTREAM_KINDS, metatype);
      if (!kind || this.byKind.get(kind) === instance) continue;
      if (this.byKind.has(kind)) throw new Error(`Two providers register the upstream kind "${kind}" (${metatype.name} is the second)`);
      this.byKind.set(kind, instance as UpstreamKind);
    }
  }

  /** The registered kinds, the built-in one first. */
  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  submit(target: UpstreamTarget, path: string, body: unknown): Promise<SubmitResultVO> {
    return this.kindOf(target).submit(target, path, body);
  }

  listByCondition(target: UpstreamTarget, ids: string[], timeoutMs?: number): Promise<UpstreamTask[]> {
    return this.kindOf(target).listByCondition(target, ids, timeoutMs);
  }

  imageSeed(target: UpstreamTarget, mjId: string): Promise<{ status: number; body: unknown }> {
    return this.kindOf(target).imageSeed(target, mjId);
  }

  probe(target: UpstreamTarget): Promise<ProbeResult> {
    const kind = this.byKind.get(target.type || MIDJOURNEY_PROXY);
    if (!kind) return Promise.resolve({ reachable: false, authorized: false, latency_ms: 0, status: 0, message: this.missing(target) });
    return kind.probe(target);
  }

  private kindOf(target: UpstreamTarget): UpstreamKind {
    const kind = this.byKind.get(target.type || MIDJOURNEY_PROXY);
    // A channel whose module is not loaded (removed from EXTENSIONS): like an unreachable upstream, others may serve.
    if (!kind) throw new UpstreamError('transport', this.missing(target));
    return kind;
  }

  private missing(target: UpstreamTarget): string {
    return `no upstream kind "${target.type}" is loaded (is its module in EXTENSIONS?)`;
  }
}
