import { SetMetadata } from '@nestjs/common';
import type { SubmitResultVO, Task as UpstreamTask } from '@app/mj-protocol';

/** The metadata key under which upstream kinds are registered (`@UpstreamKindProvider()` sets it). */
export const UPSTREAM_KINDS = 'gateway:upstream-kinds';

/** The built-in kind: an upstream that speaks the midjourney-proxy protocol over HTTP. */
export const MIDJOURNEY_PROXY = 'midjourney-proxy';

/** What the client needs of a channel: where it is and how to authenticate. */
export interface UpstreamTarget {
  id: number;
  baseUrl: string;
  secret: string;
  /** The channel's upstream kind; absent means midjourney-proxy. */
  type?: string;
}

export type UpstreamFailure = 'transport' | 'timeout' | 'http' | 'empty' | 'garbage';

/** The upstream did not give a usable answer; `kind` says how. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  /** Worth trying another channel: the upstream is down, not the request wrong. */
  get retryable(): boolean {
    return this.kind === 'transport' || this.kind === 'timeout' || (this.kind === 'http' && (this.status ?? 0) >= 500);
  }
}

export interface ProbeResult {
  reachable: boolean;
  authorized: boolean;
  latency_ms: number;
  status: number;
  message: string;
}

/**
 * What the gateway asks of an upstream, whatever protocol it speaks. A channel's `type` names the kind that serves it;
 * a kind answers in the midjourney-proxy protocol's shapes (the gateway's lingua franca) and throws `UpstreamError`
 * when the upstream gives no usable answer (`retryable` ones let a new submit fail over to the next channel).
 */
export interface UpstreamKind {
  /** A submit (`path` is the midjourney-proxy route, e.g. `/mj/submit/imagine`); any code is an answer. */
  submit(target: UpstreamTarget, path: string, body: unknown): Promise<SubmitResultVO>;
  /** The current state of these tasks; unknown ids are simply absent. */
  listByCondition(target: UpstreamTarget, ids: string[], timeoutMs?: number): Promise<UpstreamTask[]>;
  /** `GET /mj/task/{id}/image-seed`, as the upstream answered it. */
  imageSeed(target: UpstreamTarget, mjId: string): Promise<{ status: number; body: unknown }>;
  /** Reachability, authentication and latency, for the admin's "test" button. */
  probe(target: UpstreamTarget): Promise<ProbeResult>;
}

/** Registers a provider class as the client of channels of type `kind`. */
export const UpstreamKindProvider = (kind: string): ClassDecorator => SetMetadata(UPSTREAM_KINDS, kind);
