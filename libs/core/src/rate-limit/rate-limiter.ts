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

  async hit(key: string, { limit, windowMs }: RateLimit, now = Date.now()): Promise<RateLimitHit> {
    const connection = this.em.getConnection();
    const [row] = await connection.execute<{ hits: number; window_ends_at: string }[]>(
      `INSERT INTO rate_limits AS r (key, window_ends_at, hits) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_ends_at <= ? THEN 1 ELSE r.hits + 1 END,
         window_ends_at = CASE WHEN r.window_ends_at <= ? THEN EXCLUDED.window_ends_at ELSE r.window_ends_at END
       RETURNING hits, window_ends_at`,
      [key, now + windowMs, now, now],
    );
    if (Math.random() * SWEEP_EVERY < 1) {
      connection.execute('DELETE FROM rate_limits WHERE window_ends_at < ?', [now]).catch((error: Error) => this.logger.warn(`sweep failed: ${error.message}`));
    }
    return {
      allowed: row.hits <= limit,
      hits: row.hits,
      retryAfterSeconds: Math.max(1, Math.ceil((Number(row.window_ends_at) - now) / 1000)),
    };
  }

  /** Counts a hit; over the limit, throws a 429 whose message is `message` and says when to try again. */
  async consume(key: string, limit: RateLimit, message: string): Promise<void> {
    const result = await this.hit(key, limit);
    if (!result.allowed) throw new TooManyRequestsError(`${message}; try again in ${result.retryAfterSeconds} s`, result.retryAfterSeconds);
  }
}
