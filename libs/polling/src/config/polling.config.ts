import { registerAs } from '@nestjs/config';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { readEnv } from '@app/core';

export class PollingEnv {
  /** Off on read-only replicas and in tests that drive tasks themselves. */
  @IsBoolean()
  POLLING_ENABLED: boolean = true;

  @IsInt()
  @Min(50)
  @Max(600000)
  POLL_INTERVAL_MS: number = 3000;

  /** Longest wait between two polls of a task that keeps not changing. */
  @IsInt()
  @Min(100)
  @Max(600000)
  POLL_MAX_BACKOFF_MS: number = 30000;

  /** Most tasks one instance claims per pass. */
  @IsInt()
  @Min(1)
  @Max(100000)
  POLL_CLAIM_LIMIT: number = 5000;

  /** Ids per list-by-condition request. */
  @IsInt()
  @Min(1)
  @Max(100)
  POLL_BATCH_SIZE: number = 100;

  /** Upstream requests in flight at once, over all channels. */
  @IsInt()
  @Min(1)
  @Max(256)
  POLL_CONCURRENCY: number = 8;

  @IsInt()
  @Min(200)
  @Max(120000)
  POLL_REQUEST_TIMEOUT_MS: number = 10000;

  /** A task the upstream leaves out of this many consecutive good answers is lost. */
  @IsInt()
  @Min(1)
  @Max(100)
  POLL_LOST_AFTER: number = 3;

  /** How long a submit may stay unrecorded (no upstream id) before its hold is released. */
  @IsInt()
  @Min(10000)
  @Max(3600000)
  POLL_ORPHAN_AFTER_MS: number = 180000;
}

export interface PollingConfig {
  enabled: boolean;
  intervalMs: number;
  maxBackoffMs: number;
  claimLimit: number;
  batchSize: number;
  concurrency: number;
  requestTimeoutMs: number;
  lostAfter: number;
  orphanAfterMs: number;
}

export const pollingConfig = registerAs('polling', (): PollingConfig => {
  const env = readEnv(PollingEnv);
  return {
    enabled: env.POLLING_ENABLED,
    intervalMs: env.POLL_INTERVAL_MS,
    maxBackoffMs: env.POLL_MAX_BACKOFF_MS,
    claimLimit: env.POLL_CLAIM_LIMIT,
    batchSize: env.POLL_BATCH_SIZE,
    concurrency: env.POLL_CONCURRENCY,
    requestTimeoutMs: env.POLL_REQUEST_TIMEOUT_MS,
    lostAfter: env.POLL_LOST_AFTER,
    orphanAfterMs: env.POLL_ORPHAN_AFTER_MS,
  };
});
