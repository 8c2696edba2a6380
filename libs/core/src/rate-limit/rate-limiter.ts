import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { TooManyRequestsError } from '../http/domain-error';

export interface RateLimit {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitHit {
  allowed: boolean;
  hits: number;
  /** Whole seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
}

/** Expired counters are swept about once every this many hits, by whichever instance draws it. */
const SWEEP_EVERY = 500;

/**
 * Fixed-window counters in the `rate_limits` table (its only owner), so a limit holds across every gateway instance on
 * the database: one upsert per hit both counts it and answers whether it is over the limit.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');

  constructor(private readonly em: EntityManager) {}

  /** Counts one hit on each key, in one statement; answers per key, in the order given. */
  async hit(limits: { key: string; limit: RateLimit }[], now = Date.now()): Promise<RateLimitHit[]> {
    const connection = this.em.getConnection();
    const values = limits.map(() => '(?, ?::bigint, 1)').join(', ');
    const rows = await connection.execute<{ key: string; hits: number; window_ends_at: string }[]>(
      `INSERT INTO rate_limits AS r (key, window_ends_at, hits) VALUES ${values}
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_ends_at <= ? THEN 1 ELSE r.hits + 1 END,
         window_ends_at = CASE WHEN r.window_ends_at <= ? THEN EXCLUDED.window_ends_at ELSE r.window_ends_at END
       RETURNING key, hits, window_ends_at`,
      [...limits.flatMap(({ key, limit }) => [key, now + limit.windowMs]), now, now],
    );
    if (Math.random() * SWEEP_EVERY < 1) {
      connection
        .execute('DELETE FROM rate_limits WHERE window_ends_at < ?', [now])
        .catch((error: Error) => this.logger.warn(`sweep failed: ${error.message}`));
    }
    return limits.map(({ key, limit }) => {
      const row = rows.find((found) => found.key === key)!;
      return {
        allowed: row.hits <= limit.limit,
        hits: row.hits,
        retryAfterSeconds: Math.max(1, Math.ceil((Number(row.window_ends_at) - now) / 1000)),
      };
    });
  }

  /**
   * Counts a hit on every key (one round trip); the first key over its limit throws a 429 with its message, saying
   * when to try again.
   */
  async consume(...limits: { key: string; limit: RateLimit; message: string }[]): Promise<void> {
    const keys = limits.filter((entry, i) => limits.findIndex((other) => other.key === entry.key) === i);
    const results = await this.hit(keys);
    const over = results.findIndex((result) => !result.allowed);
    if (over >= 0) {
      const { retryAfterSeconds } = results[over];
      throw new TooManyRequestsError(`${keys[over].message}; try again in ${retryAfterSeconds} s`, retryAfterSeconds);
    }
  }
}
