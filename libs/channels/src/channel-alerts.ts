import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';
import { Secrets } from '@app/core';
import type { ChannelState } from './channel.entity';
import { channelsConfig } from './config/channels.config';

export type AlertKind =
  | 'breaker.opened'
  | 'breaker.closed'
  | 'breaker.half_open'
  | 'channel.disabled'
  | 'channel.enabled'
  | 'channel.success_rate_low'
  | 'channel.queue_wait_high';

export interface AlertEvent {
  event: AlertKind;
  channel: { id: number; name: string };
  /** The transition, for state changes. */
  from?: ChannelState;
  to?: ChannelState;
  /** Successes among finished tasks over the last hour, for `channel.success_rate_low`. */
  success_rate?: number;
  /** Seconds the longest-waiting task has been queued for the channel, for `channel.queue_wait_high`. */
  queue_wait_s?: number;
  reason: string;
  /** Unix seconds. */
  at: number;
}

const ALERT_TIMEOUT_MS = 5000;

/** `X-MJ-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as a receiver recomputes it. */
export function alertSignature(key: Buffer, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
}

function kindOf(from: ChannelState, to: ChannelState): AlertKind {
  if (to === 'open') return 'breaker.opened';
  if (to === 'half_open') return 'breaker.half_open';
  if (to === 'disabled') return 'channel.disabled';
  return from === 'disabled' ? 'channel.enabled' : 'breaker.closed';
}

/**
 * Tells the operator about channels: every event goes to the log, and (when ALERT_WEBHOOK_URL is set) to that URL as a
 * signed JSON POST. Sent in the background: a slow receiver never holds up a submit. The URL is the operator's own
 * configuration, so it may point at a private address (no SSRF check, unlike the media URLs clients hand us).
 */
@Injectable()
export class ChannelAlerts implements OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly agent = new Agent({ connections: 4, connect: { timeout: ALERT_TIMEOUT_MS } });
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(channelsConfig.KEY) private readonly config: ConfigType<typeof channelsConfig>,
    private readonly secrets: Secrets,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await this.agent.close();
  }

  /** The key receivers verify `X-MJ-Signature` with (hex), shown to admins. */
  signingKey(): string {
    return this.secrets.keyFor('alert-signature').toString('hex');
  }

  get webhookUrl(): string {
    return this.config.alertWebhookUrl;
  }

  /** The success-rate alert's settings (threshold 0: off). */
  get successRate(): { threshold: number; minTasks: number; intervalMs: number } {
    return this.config.successRate;
  }

  /** Seconds a queued task may wait before `channel.queue_wait_high` (0: never). */
  get queueWaitS(): number {
    return this.config.queueWaitS;
  }

  transition(channel: { id: number; name: string }, from: ChannelState, to: ChannelState, reason: string): void {
    if (from === to) return;
    this.send({ event: kindOf(from, to), channel, from, to, reason, at: Math.floor(Date.now() / 1000) });
  }

  send(event: AlertEvent): void {
    this.logger.warn(`alert ${event.event}: channel ${event.channel.id} (${event.channel.name}): ${event.reason}`);
    if (!this.config.alertWebhookUrl) return;
    const delivery = this.post(event).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  private async post(event: AlertEvent): Promise<void> {
    const body = JSON.stringify(event);
    const t = Math.floor(Date.now() / 1000);
    try {
      const res = await request(this.config.alertWebhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-mj-event': event.event,
          'x-mj-signature': alertSignature(this.secrets.keyFor('alert-signature'), t, body),
        },
        body,
        dispatcher: this.agent,
        headersTimeout: ALERT_TIMEOUT_MS,
        bodyTimeout: ALERT_TIMEOUT_MS,
      });
      await res.body.dump();
      if (res.statusCode >= 300) this.logger.warn(`alert webhook answered HTTP ${res.statusCode}`);
    } catch (error) {
      this.logger.warn(`alert webhook unreachable: ${(error as Error).message}`);
    }
  }
}
