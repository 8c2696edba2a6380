import { HttpStatus, Injectable, Logger, OnApplicationBootstrap, SetMetadata } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Counter } from 'prom-client';
import { type AuthUser, MetricsRegistry } from '@app/core';
import { ReturnCode, ReturnDescription, type TaskAction } from '@app/mj-protocol';
import { RelayRejection } from './relay.errors';
import type { SubmitPlan, SubmitRoute } from './submit-plan';

/** The metadata key under which submit checks are registered (`@SubmitCheckProvider()` sets it). */
export const SUBMIT_CHECKS = 'gateway:submit-checks';

/** What a check sees of a submit: who, which route, and the prompt. */
export interface SubmitCheckInput {
  userId: number;
  /** The API key the submit came with (0: none). */
  apiKeyId: number;
  route: SubmitRoute;
  action: TaskAction;
  /** The prompt as it stands now (an earlier check may have rewritten it); '' on routes without one (U1, describe…). */
  prompt: string;
  /** The prompt as the client sent it (with the speed flag of a /mj-fast… prefix). */
  originalPrompt: string;
  /** The task a follow-up (U1, V2, modal…) continues. */
  parentMjId?: string;
}

/** A check's answer: let the submit through, refuse it (nothing is charged, nothing is sent), or change its prompt. */
export type SubmitVerdict =
  | { kind: 'pass' }
  | { kind: 'refuse'; code: number; description: string; message: string; properties: Record<string, unknown> }
  | { kind: 'rewrite'; prompt: string };

export const SubmitVerdict = {
  pass: (): SubmitVerdict => ({ kind: 'pass' }),
  /**
   * `code` is the protocol's (24: banned prompt); `description` is what midjourney-proxy clients show; `message` (the
   * envelope's) defaults to it. The answer is HTTP 400 with both.
   */
  refuse: (code: number, description: string, message = description, properties: Record<string, unknown> = {}): SubmitVerdict => ({
    kind: 'refuse',
    code,
    description,
    message,
    properties,
  }),
  /** The prompt sent upstream and recorded from now on; the client's original is kept on the task. */
  rewrite: (prompt: string): SubmitVerdict => ({ kind: 'rewrite', prompt }),
};

/** A submit check: a provider marked `@SubmitCheckProvider()`, in any module of the app. */
export interface SubmitCheck {
  check(submit: SubmitCheckInput): SubmitVerdict | Promise<SubmitVerdict>;
}

export interface SubmitCheckOptions {
  /** Lower runs first (default 100; the built-in banned-words check is 1000, so it sees every rewrite). */
  order?: number;
}

/** Registers a provider class as a submit check (under `SUBMIT_CHECKS`). */
export const SubmitCheckProvider = (options: SubmitCheckOptions = {}): ClassDecorator =>
  SetMetadata(SUBMIT_CHECKS, { order: options.order ?? 100 });

const MAX_PROMPT = 8192;

interface Registered {
  name: string;
  order: number;
  check: SubmitCheck;
}

/**
 * Runs the submit checks, in order, after a submit is validated and before anything is held or sent upstream.
 * A check that throws (or answers nonsense) refuses the submit with a clear message: never a 500, nothing charged.
 */
@Injectable()
export class SubmitChecks implements OnApplicationBootstrap {
  private readonly logger = new Logger('SubmitChecks');
  private checks: Registered[] = [];
  private readonly refusals: Counter<'check' | 'code'>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    metrics: MetricsRegistry,
  ) {
    this.refusals = new Counter({
      name: 'mj_submit_check_refusals_total',
      help: 'Submits refused by a submit check (before any charge), by check and protocol code',
      labelNames: ['check', 'code'],
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    const found: Registered[] = [];
    const seen = new Set<unknown>();
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype || typeof metatype !== 'function' || seen.has(instance)) continue;
      seen.add(instance);
      const options = this.reflector.get<{ order: number } | undefined>(SUBMIT_CHECKS, metatype);
      if (!options) continue;
      if (typeof (instance as Partial<SubmitCheck>).check !== 'function') {
        throw new Error(`${metatype.name} is a @SubmitCheckProvider() but has no check(submit) method`);
      }
      found.push({ name: metatype.name, order: options.order, check: instance as SubmitCheck });
    }
    // Stable: equal orders keep the order in which their modules were loaded.
    this.checks = found.sort((a, b) => a.order - b.order);
    this.logger.log(`submit checks, in order: ${this.checks.map((c) => `${c.name} (${c.order})`).join(', ') || 'none'}`);
  }

  /** The registered checks' names, in the order they run. */
  names(): string[] {
    return this.checks.map((c) => c.name);
  }

  /**
   * Runs every check on the plan; a rewrite changes `plan.prompt` (and the prompt forwarded upstream) in place and
   * keeps the client's in `plan.originalPrompt`. Throws the refusal.
   */
  async run(auth: AuthUser, plan: SubmitPlan): Promise<void> {
    if (!this.checks.length) return;
    const original = plan.prompt;
    for (const { name, check } of this.checks) {
      const input: SubmitCheckInput = {
        userId: auth.id,
        apiKeyId: auth.apiKeyId ?? 0,
        route: plan.route,
        action: plan.action,
        prompt: plan.prompt,
        originalPrompt: original,
        parentMjId: plan.parentMjId,
      };
      let verdict: SubmitVerdict;
      try {
        verdict = await check.check(input);
      } catch (error) {
        this.logger.warn(`submit check ${name} failed: ${(error as Error)?.stack ?? String(error)}`);
        throw this.broken(name, 'it failed');
      }
      if (verdict?.kind === 'pass') continue;
      if (verdict?.kind === 'refuse' && Number.isInteger(verdict.code) && typeof verdict.description === 'string') {
        this.refusals.inc({ check: name, code: String(verdict.code) });
        throw new RelayRejection(HttpStatus.BAD_REQUEST, verdict.code, verdict.description, verdict.message, verdict.properties);
      }
      if (
        verdict?.kind === 'rewrite' &&
        typeof verdict.prompt === 'string' &&
        verdict.prompt.trim() &&
        verdict.prompt.length <= MAX_PROMPT
      ) {
        // Routes without a prompt (U1, describe, blend…) have nothing to rewrite.
        if (!plan.prompt) continue;
        plan.prompt = verdict.prompt;
        if (typeof plan.body.prompt === 'string') plan.body.prompt = verdict.prompt;
        continue;
      }
      this.logger.warn(`submit check ${name} answered ${JSON.stringify(verdict)?.slice(0, 200)}`);
      throw this.broken(name, 'it answered neither pass, refuse nor a non-empty rewrite');
    }
    if (plan.prompt !== original) plan.originalPrompt = original;
  }

  private broken(name: string, why: string): RelayRejection {
    this.refusals.inc({ check: name, code: String(ReturnCode.FAILURE) });
    return new RelayRejection(
      HttpStatus.SERVICE_UNAVAILABLE,
      ReturnCode.FAILURE,
      ReturnDescription.SYSTEM_ERROR,
      `The submit check ${name} could not decide (${why}); the submit was refused and nothing was charged`,
    );
  }
}
