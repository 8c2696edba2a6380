import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { request } from 'undici';
import { hookSecretOf } from '@app/auth';
import { Secrets } from '@app/core';
import { hooksConfig } from './config/hooks.config';
import { HookBodies, taskOfSnapshot } from './hook-bodies';
import { type AttemptResult, type ClaimedEvent, HookEventsRepository } from './hook-events.repository';
import { hookSignature } from './hook-signature';
import { BLOCKED_CODE, HookTargets } from './hook-targets';
import { HookMetrics } from './hook.metrics';

/** How much of an answer the delivery log keeps. */
const RESPONSE_HEAD_BYTES = 512;
/** A claim outlives the attempt's timeout by this much: a sender that died is replaced after it. */
const LEASE_MARGIN_MS = 5000;
/** Attempts recorded in one statement at most; a record waits at most a tick for others to join it. */
const RECORD_BATCH = 64;

/** The answer of one attempt, or why there was none. */
interface Answer {
  statusCode: number;
  head: string;
  error: string;
}

/**
 * Delivers the outbox: claims due events (as many as it has room for), POSTs each with its signature, and records
 * what came of it. Every instance runs one; claims keep them apart and keep each task's events in order.
 */
@Injectable()
export class HookSender {
  private readonly logger = new Logger('Hooks');
  private inFlight = 0;
  private claiming = false;
  private again = false;
  private stopped = false;
  private readonly deliveries = new Set<Promise<void>>();
  private recording: { event: ClaimedEvent; result: AttemptResult; done: (recorded: boolean) => void; fail: (error: Error) => void }[] = [];
  private recordScheduled = false;

  constructor(
    private readonly events: HookEventsRepository,
    private readonly targets: HookTargets,
    private readonly bodies: HookBodies,
    private readonly secrets: Secrets,
    private readonly metrics: HookMetrics,
    @Inject(hooksConfig.KEY) private readonly config: ConfigType<typeof hooksConfig>,
  ) {}

  /**
   * Looks for due events (a task changed, a delivery finished, the interval passed), once the current tick is over: a
   * write that changes 1,000 tasks announces them in one tick, and they ask for one claim, not two.
   */
  kick(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = true;
    setImmediate(
      () =>
        void this.fill()
          .catch((error: Error) => this.logger.error(`claiming callbacks failed: ${error.message}`))
          .finally(() => (this.claiming = false)),
    );
  }

  /** Stops claiming and waits for the deliveries in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.deliveries]);
  }

  private async fill(): Promise<void> {
    do {
      this.again = false;
      const room = this.config.concurrency - this.inFlight;
      if (room <= 0 || this.stopped) return;
      const now = Date.now();
      const claimed = await this.events.claim(now, now + this.config.timeoutMs + LEASE_MARGIN_MS, room);
      if (!claimed.length) continue;
      for (const event of claimed) {
        this.inFlight += 1;
        const delivery = this.deliver(event)
          .catch((error: Error) => this.logger.error(`callback ${event.id} failed to record: ${error.message}`))
          .finally(() => {
            this.inFlight -= 1;
            this.deliveries.delete(delivery);
            // Refill when half the room is free: claims stay batches, not one statement per delivery.
            if (this.inFlight <= this.config.concurrency / 2) this.kick();
          });
        this.deliveries.add(delivery);
      }
      if (claimed.length === room) this.again = true;
    } while (this.again);
  }

  /** One attempt of one event. */
  async deliver(event: ClaimedEvent): Promise<void> {
    const body = JSON.stringify({ ...this.bodies.render(taskOfSnapshot(event.snapshot), event.baseUrl), sequence: event.seq });
    const at = Date.now();
    const t = Math.floor(at / 1000);
    const started = performance.now();
    const answer = await this.post(event, body, hookSignature(hookSecretOf(this.secrets, event.apiKeyId, event.secretVersion), t, body));
    const done = Date.now();
    const result: AttemptResult = {
      ...this.next(event, answer, done),
      at,
      statusCode: answer.statusCode,
      latencyMs: Math.round(performance.now() - started),
      error: answer.error,
      responseHead: answer.head,
    };
    if (!(await this.record(event, result))) return;
    const outcome = result.state === 'pending' ? 'retried' : result.state;
    this.metrics.attempts.inc({ result: outcome });
    if (result.state === 'delivered') this.metrics.lag.observe((done - event.createdAt) / 1000);
  }

  /** Records an attempt together with the others that finish in the same tick (one statement for all of them). */
  private record(event: ClaimedEvent, result: AttemptResult): Promise<boolean> {
    return new Promise((done, fail) => {
      this.recording.push({ event, result, done, fail });
      if (this.recording.length >= RECORD_BATCH) return void this.flush();
      if (!this.recordScheduled) {
        this.recordScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.recordScheduled = false;
    const batch = this.recording;
    this.recording = [];
    if (!batch.length) return;
    try {
      const recorded = await this.events.finish(batch);
      for (const entry of batch) entry.done(recorded.has(entry.event.id));
    } catch (error) {
      for (const entry of batch) entry.fail(error as Error);
    }
  }

  /** 2xx delivered; 410 stopped; anything else retried on the schedule (with ±20% jitter), then failed. */
  private next(event: ClaimedEvent, answer: Answer, now: number): Pick<AttemptResult, 'state' | 'nextAttemptAt'> {
    if (answer.statusCode >= 200 && answer.statusCode < 300) return { state: 'delivered', nextAttemptAt: 0 };
    if (answer.statusCode === 410) return { state: 'stopped', nextAttemptAt: 0 };
    const delay = this.config.retryScheduleMs[event.attempts - event.retryBase - 1];
    if (delay === undefined) return { state: 'failed', nextAttemptAt: 0 };
    return { state: 'pending', nextAttemptAt: now + Math.round(delay * (0.8 + Math.random() * 0.4)) };
  }

  private async post(event: ClaimedEvent, body: string, signature: string): Promise<Answer> {
    try {
      const response = await request(event.url, {
        dispatcher: this.targets.agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'mj-gateway-hooks/1',
          'x-mj-event-id': String(event.id),
          'x-mj-delivery-attempt': String(event.attempts),
          'x-mj-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      let head = '';
      try {
        for await (const chunk of response.body) {
          head += (chunk as Buffer).toString('utf8');
          if (head.length >= RESPONSE_HEAD_BYTES) break;
        }
      } catch {
        // What arrived is enough for the log.
      }
      response.body.on('error', () => undefined);
      response.body.destroy();
      return { statusCode: response.statusCode, head: head.slice(0, RESPONSE_HEAD_BYTES), error: '' };
    } catch (error) {
      return { statusCode: 0, head: '', error: this.describe(error) };
    }
  }

  private describe(error: unknown): string {
    const found = error as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = found?.code ?? found?.cause?.code;
    // The connect-time address check (HookTargets) refused the target: say where it pointed.
    if (found?.code === BLOCKED_CODE) return found.message ?? 'refused: a private address';
    if (found?.cause?.code === BLOCKED_CODE) return found.cause.message ?? 'refused: a private address';
    if (found?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
      return `no answer within ${this.config.timeoutMs} ms`;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host does not resolve';
    return `could not be reached${code ? ` (${code})` : ''}: ${found?.message ?? String(error)}`.slice(0, 300);
  }
}
