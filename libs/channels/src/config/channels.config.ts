import { registerAs } from '@nestjs/config';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { readEnv } from '@app/core';

export class ChannelsEnv {
  /** Time allowed for an upstream submit answer (midjourney-proxy uploads images to Discord before answering). */
  @IsInt()
  @Min(1000)
  @Max(600000)
  UPSTREAM_SUBMIT_TIMEOUT_MS: number = 60000;

  /** Time allowed for polls, fetches and probes. */
  @IsInt()
  @Min(500)
  @Max(600000)
  UPSTREAM_POLL_TIMEOUT_MS: number = 15000;

  @IsInt()
  @Min(100)
  @Max(60000)
  UPSTREAM_CONNECT_TIMEOUT_MS: number = 5000;

  /** Open connections per upstream; further requests wait for one. */
  @IsInt()
  @Min(1)
  @Max(1024)
  UPSTREAM_CONNECTIONS: number = 64;

  /** Where operator alerts (breaker opened/closed, channel disabled) are POSTed, signed; unset: the log only. */
  @IsOptional()
  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL' })
  ALERT_WEBHOOK_URL?: string;

  /** Alert when a channel's success rate over the last hour falls below this (0..1; 0 = never). */
  @IsNumber()
  @Min(0)
  @Max(1)
  ALERT_SUCCESS_RATE: number = 0;

  /** ...counting only channels that finished at least this many tasks in that hour. */
  @IsInt()
  @Min(1)
  @Max(100000)
  ALERT_MIN_TASKS: number = 10;

  /** Alert when a task has waited this many seconds in the gateway's queue for a channel (0 = never). */
  @IsInt()
  @Min(0)
  @Max(604800)
  ALERT_QUEUE_WAIT_S: number = 0;

  /** How often success rates and queue waits are checked (per instance; one alert per channel per hour across instances). */
  @IsInt()
  @Min(100)
  @Max(3600000)
  ALERT_CHECK_INTERVAL_MS: number = 60000;

  /** Run the breaker's half-open probes on this instance (off for tests that drive them, and read-only replicas). */
  @IsBoolean()
  CHANNEL_HEALTH_ENABLED: boolean = true;

  /** How often open channels whose cool-down is over are probed. */
  @IsInt()
  @Min(100)
  @Max(600000)
  CHANNEL_HEALTH_INTERVAL_MS: number = 1000;
}

export interface ChannelsConfig {
  submitTimeoutMs: number;
  pollTimeoutMs: number;
  connectTimeoutMs: number;
  connections: number;
  alertWebhookUrl: string;
  successRate: { threshold: number; minTasks: number; intervalMs: number };
  /** Seconds a queued task may wait before `channel.queue_wait_high`; 0: never. */
  queueWaitS: number;
  healthEnabled: boolean;
  healthIntervalMs: number;
}

export const channelsConfig = registerAs('channels', (): ChannelsConfig => {
  const env = readEnv(ChannelsEnv);
  return {
    submitTimeoutMs: env.UPSTREAM_SUBMIT_TIMEOUT_MS,
    pollTimeoutMs: env.UPSTREAM_POLL_TIMEOUT_MS,
    connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
    connections: env.UPSTREAM_CONNECTIONS,
    alertWebhookUrl: env.ALERT_WEBHOOK_URL ?? '',
    successRate: { threshold: env.ALERT_SUCCESS_RATE, minTasks: env.ALERT_MIN_TASKS, intervalMs: env.ALERT_CHECK_INTERVAL_MS },
    queueWaitS: env.ALERT_QUEUE_WAIT_S,
    healthEnabled: env.CHANNEL_HEALTH_ENABLED,
    healthIntervalMs: env.CHANNEL_HEALTH_INTERVAL_MS,
  };
});
