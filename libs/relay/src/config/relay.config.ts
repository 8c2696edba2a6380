import { registerAs } from '@nestjs/config';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { readEnv } from '@app/core';

export class RelayEnv {
  /** Largest base64 image in a relay body, decoded, in megabytes. */
  @IsInt()
  @Min(1)
  @Max(100)
  RELAY_IMAGE_LIMIT_MB: number = 10;

  /** Most ids one list-by-condition may ask for. */
  @IsInt()
  @Min(1)
  @Max(10000)
  RELAY_MAX_IDS: number = 500;

  /** Pass a client's accountFilter (TA) to the upstream. */
  @IsBoolean()
  RELAY_ALLOW_ACCOUNT_FILTER: boolean = false;

  /** Seconds an image task may take, from our own submit, before it fails and is refunded. */
  @IsInt()
  @Min(1)
  @Max(86400)
  TASK_DEADLINE_S: number = 600;

  /** The same for VIDEO tasks, which run longer. */
  @IsInt()
  @Min(1)
  @Max(86400)
  VIDEO_DEADLINE_S: number = 1800;

  /** The speed mode of a task whose route has no /mj-fast|relax|turbo prefix and whose prompt names none. */
  @IsIn(['fast', 'relax', 'turbo'])
  DEFAULT_SPEED_MODE: 'fast' | 'relax' | 'turbo' = 'fast';
  /** Seconds a task may wait in the gateway's queue for a channel with room; then it fails and is refunded. */
  @IsInt()
  @Min(1)
  @Max(604800)
  QUEUE_DEADLINE_S: number = 1800;

  /** Unfinished (queued + running) tasks one user may have; over it a submit is refused (code 23), not charged. 0: no cap. */
  @IsInt()
  @Min(0)
  @Max(1000000)
  QUEUE_USER_CAP: number = 50;

  /** The same per API key; 0: no cap. */
  @IsInt()
  @Min(0)
  @Max(1000000)
  QUEUE_KEY_CAP: number = 0;

  /** The dispatcher, which sends queued tasks as channels free up (off on read-only replicas). */
  @IsBoolean()
  DISPATCH_ENABLED: boolean = true;

  /** How often each instance's dispatcher looks for room (it also wakes when a task finishes). */
  @IsInt()
  @Min(20)
  @Max(60000)
  DISPATCH_INTERVAL_MS: number = 500;
}

export interface RelayConfig {
  imageLimitBytes: number;
  maxIds: number;
  allowAccountFilter: boolean;
  deadlineMs(action: string): number;
  defaultMode: 'fast' | 'relax' | 'turbo';
  queueDeadlineMs: number;
  userCap: number;
  keyCap: number;
  dispatchEnabled: boolean;
  dispatchIntervalMs: number;
}

export const relayConfig = registerAs('relay', (): RelayConfig => {
  const env = readEnv(RelayEnv);
  return {
    imageLimitBytes: env.RELAY_IMAGE_LIMIT_MB * 1024 * 1024,
    maxIds: env.RELAY_MAX_IDS,
    allowAccountFilter: env.RELAY_ALLOW_ACCOUNT_FILTER,
    defaultMode: env.DEFAULT_SPEED_MODE,
    deadlineMs: (action) => (action.startsWith('VIDEO') ? env.VIDEO_DEADLINE_S : env.TASK_DEADLINE_S) * 1000,
    queueDeadlineMs: env.QUEUE_DEADLINE_S * 1000,
    userCap: env.QUEUE_USER_CAP,
    keyCap: env.QUEUE_KEY_CAP,
    dispatchEnabled: env.DISPATCH_ENABLED,
    dispatchIntervalMs: env.DISPATCH_INTERVAL_MS,
  };
});
