import { registerAs } from '@nestjs/config';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { InvalidEnvironmentError, readEnv } from '@app/core';
import { MediaFetchAllowlist } from '@app/proxy';

export class HooksEnv {
  /** Senders on this instance (off on read-only replicas, or in tests that only look at the outbox). */
  @IsBoolean()
  HOOKS_ENABLED: boolean = true;

  /** At most one progress-only event per task per this many seconds; status changes and the final state always go. */
  @IsInt()
  @Min(0)
  @Max(3600)
  HOOK_PROGRESS_MIN_INTERVAL_S: number = 5;

  /** One attempt's limit, from connecting to the answer's headers. */
  @IsInt()
  @Min(100)
  @Max(120000)
  HOOK_TIMEOUT_MS: number = 10000;

  /** Seconds before each retry, comma-separated (each gets ±20% jitter); after the last one the event is failed. */
  @IsString()
  @Matches(/^\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*)*$/, { message: 'must be seconds separated by commas, like 10,60,300' })
  HOOK_RETRY_SCHEDULE_S: string = '10,60,300,1800,7200,21600,86400';

  /** Private targets a hook may call anyway: host:port, [v6]:port or CIDR:port, as MEDIA_FETCH_ALLOWLIST. */
  @IsOptional()
  @IsString()
  HOOK_ALLOWLIST?: string;

  /** How often an idle sender looks for due events (task changes wake it at once). */
  @IsInt()
  @Min(20)
  @Max(60000)
  HOOK_SEND_INTERVAL_MS: number = 1000;

  /** Days a finished delivery (and its attempts) stays in the log; 0 keeps them forever. Pending ones are never dropped. */
  @IsInt()
  @Min(0)
  @Max(3650)
  HOOK_RETENTION_DAYS: number = 30;

  /** Deliveries in flight at once on one instance. */
  @IsInt()
  @Min(1)
  @Max(1024)
  HOOK_CONCURRENCY: number = 64;
}

export interface HooksConfig {
  enabled: boolean;
  progressMinIntervalMs: number;
  timeoutMs: number;
  retryScheduleMs: number[];
  allowlist: string[];
  sendIntervalMs: number;
  concurrency: number;
  retentionMs: number;
}

export const hooksConfig = registerAs('hooks', (): HooksConfig => {
  const env = readEnv(HooksEnv);
  const allowlist = (env.HOOK_ALLOWLIST ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    new MediaFetchAllowlist(allowlist);
  } catch (error) {
    throw new InvalidEnvironmentError('HOOK_ALLOWLIST', `has an ${(error as Error).message}`);
  }
  return {
    enabled: env.HOOKS_ENABLED,
    progressMinIntervalMs: env.HOOK_PROGRESS_MIN_INTERVAL_S * 1000,
    timeoutMs: env.HOOK_TIMEOUT_MS,
    retryScheduleMs: env.HOOK_RETRY_SCHEDULE_S.split(',').map((s) => Math.round(Number(s.trim()) * 1000)),
    allowlist,
    sendIntervalMs: env.HOOK_SEND_INTERVAL_MS,
    concurrency: env.HOOK_CONCURRENCY,
    retentionMs: env.HOOK_RETENTION_DAYS * 86_400_000,
  };
});
