import { Injectable } from '@nestjs/common';
import { Sql } from '@app/core';

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'stopped';
export const DELIVERY_STATES: DeliveryState[] = ['pending', 'delivered', 'failed', 'stopped'];

/** An event a sender has claimed for one attempt. */
export interface ClaimedEvent {
  id: number;
  taskId: number | null;
  seq: number;
  url: string;
  baseUrl: string;
  apiKeyId: number;
  snapshot: Record<string, unknown>;
  /** This attempt's number, counted over the event's life (the header's value). */
  attempts: number;
  /** Attempts before the last redelivery: the retry schedule counts from there. */
  retryBase: number;
  /** The key's hook-secret version now (a rotation signs the very next attempt with the new secret). */
  secretVersion: number;
  createdAt: number;
}

/** What one attempt came to, and what happens to the event next. */
export interface AttemptResult {
  state: DeliveryState;
  nextAttemptAt: number;
  at: number;
  statusCode: number;
  latencyMs: number;
  error: string;
  responseHead: string;
}

export interface DeliveryRow {
  id: number;
  mjId: string;
  userId: number;
  seq: number;
  url: string;
  state: DeliveryState;
  taskStatus: string;
  progress: string;
  attempts: number;
  createdAt: number;
  deliveredAt: number;
  nextAttemptAt: number;
  lastCode: number;
  lastError: string;
  log: { attempt: number; at: number; status_code: number; latency_ms: number; error: string; response_head: string }[];
}

export interface DeliveryFilter {
  /** Only this user's (a non-admin's own); all when absent. */
  userId?: number;
  mjId?: string;
  state?: DeliveryState;
}

const CLAIMED = `e.id::float8 AS id, e.task_id AS "taskId", e.seq, e.url, e.base_url AS "baseUrl", e.api_key_id AS "apiKeyId",
  e.snapshot, e.attempts, e.retry_base AS "retryBase", e.created_at::float8 AS "createdAt",
  COALESCE((SELECT k.hook_secret_version FROM api_keys k WHERE k.id = e.api_key_id), 0) AS "secretVersion"`;

const DELIVERY = `e.id::float8 AS id, e.mj_id AS "mjId", e.user_id AS "userId", e.seq, e.url, e.state, e.task_status AS "taskStatus",
  e.progress, e.attempts, e.created_at::float8 AS "createdAt", e.delivered_at::float8 AS "deliveredAt",
  e.next_attempt_at::float8 AS "nextAttemptAt", e.last_code AS "lastCode", e.last_error AS "lastError",
  COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', a.at, 'status_code', a.status_code,
    'latency_ms', a.latency_ms, 'error', a.error, 'response_head', a.response_head) ORDER BY a.attempt)
    FROM hook_attempts a WHERE a.event_id = e.id), '[]'::jsonb) AS log`;

/** The hook tables' SQL (the outbox's writing half is HookOutbox, run inside TaskStore's statements). */
@Injectable()
export class HookEventsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Takes up to `limit` due events for one attempt each, leased until `leaseUntil`, in one statement. `SKIP LOCKED`
   * lets every instance claim side by side; an event waits while an earlier one of its task is still pending (being
   * sent or retried), so a task's events go out in order. A sender that dies lets its lease run out.
   */
  claim(now: number, leaseUntil: number, limit: number): Promise<ClaimedEvent[]> {
    return this.sql.query<ClaimedEvent>(
      `UPDATE hook_events e SET attempts = e.attempts + 1, lease_until = ? WHERE e.id IN (
         SELECT d.id FROM hook_events d
         WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND d.lease_until <= ?
           AND NOT EXISTS (SELECT 1 FROM hook_events p WHERE p.task_id = d.task_id AND p.state = 'pending' AND p.seq < d.seq)
         ORDER BY d.next_attempt_at, d.id LIMIT ? FOR UPDATE SKIP LOCKED)
       RETURNING ${CLAIMED}`,
      [leaseUntil, now, now, limit],
    );
  }

  /**
   * Records attempts and their events' next states, in one statement, each only if its sender still holds it (same
   * attempt number). A 410 (state `stopped`) also stops the task's later events and its subscription. Answers the ids
   * recorded.
   */
  async finish(results: { event: ClaimedEvent; result: AttemptResult }[]): Promise<Set<number>> {
    const records = results.map(({ event, result }) => ({
      id: event.id,
      attempt: event.attempts,
      state: result.state,
      next_attempt_at: result.nextAttemptAt,
      at: result.at,
      status_code: result.statusCode,
      latency_ms: result.latencyMs,
      error: result.error.slice(0, 500),
      response_head: result.responseHead,
      stop: result.state === 'stopped' && event.taskId !== null,
    }));
    const rows = await this.sql.query<{ id: number }>(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset(?::jsonb) AS r(id bigint, attempt int, state text, next_attempt_at bigint, at bigint,
           status_code int, latency_ms int, error text, response_head text, stop boolean)),
       e AS (
         UPDATE hook_events h SET state = r.state, next_attempt_at = r.next_attempt_at, lease_until = 0,
           delivered_at = CASE WHEN r.state = 'delivered' THEN r.at ELSE 0 END, last_code = r.status_code, last_error = r.error
         FROM r WHERE h.id = r.id AND h.attempts = r.attempt AND h.state = 'pending'
         RETURNING h.id, h.task_id, r.stop),
       logged AS (
         INSERT INTO hook_attempts (event_id, attempt, at, status_code, latency_ms, error, response_head)
         SELECT r.id, r.attempt, r.at, r.status_code, r.latency_ms, r.error, r.response_head FROM r JOIN e ON e.id = r.id),
       unsubscribed AS (UPDATE hook_subscriptions s SET stopped = true FROM e WHERE e.stop AND s.task_id = e.task_id),
       later AS (
         UPDATE hook_events h SET state = 'stopped', last_error = 'the receiver answered 410 to an earlier event'
         FROM e WHERE e.stop AND h.task_id = e.task_id AND h.state = 'pending' AND h.id <> e.id)
       SELECT id::float8 AS id FROM e`,
      [JSON.stringify(records)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** The key's hook settings (default URL, secret version); null for an unknown or revoked key. */
  async keyHook(apiKeyId: number, userId?: number): Promise<{ hookUrl: string; version: number } | null> {
    const rows = await this.sql.query<{ hookUrl: string; version: number }>(
      `SELECT hook_url AS "hookUrl", hook_secret_version AS version FROM api_keys
       WHERE id = ? AND deleted_at IS NULL AND (?::int IS NULL OR user_id = ?)`,
      [apiKeyId, userId ?? null, userId ?? null],
    );
    return rows[0] ?? null;
  }

  async setKeyHook(userId: number, apiKeyId: number, url: string): Promise<boolean> {
    const rows = await this.sql.query('UPDATE api_keys SET hook_url = ? WHERE id = ? AND user_id = ? AND deleted_at IS NULL RETURNING id', [
      url,
      apiKeyId,
      userId,
    ]);
    return rows.length > 0;
  }

  /** A new secret version for the key; null when the key is not the user's. */
  async rotateSecret(userId: number, apiKeyId: number): Promise<number | null> {
    const rows = await this.sql.query<{ version: number }>(
      `UPDATE api_keys SET hook_secret_version = hook_secret_version + 1 WHERE id = ? AND user_id = ? AND deleted_at IS NULL
       RETURNING hook_secret_version AS version`,
      [apiKeyId, userId],
    );
    return rows[0]?.version ?? null;
  }

  /** A test event (no task): delivered like any other. */
  async insertTest(userId: number, apiKeyId: number, url: string, baseUrl: string, snapshot: Record<string, unknown>): Promise<number> {
    const now = Date.now();
    const [row] = await this.sql.query<{ id: number }>(
      `INSERT INTO hook_events (task_id, mj_id, user_id, api_key_id, seq, url, base_url, task_status, progress, snapshot, next_attempt_at, created_at)
       VALUES (NULL, ?, ?, ?, 0, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id::float8 AS id`,
      [snapshot.mj_id, userId, apiKeyId, url, baseUrl, snapshot.status, snapshot.progress, JSON.stringify(snapshot), now, now],
    );
    return row.id;
  }

  async list(filter: DeliveryFilter, limit: number, offset: number): Promise<{ items: DeliveryRow[]; total: number }> {
    const where = `(?::int IS NULL OR e.user_id = ?) AND (?::text IS NULL OR e.mj_id = ?) AND (?::text IS NULL OR e.state = ?)`;
    const params = [
      filter.userId ?? null,
      filter.userId ?? null,
      filter.mjId ?? null,
      filter.mjId ?? null,
      filter.state ?? null,
      filter.state ?? null,
    ];
    const [items, [count]] = await Promise.all([
      this.sql.query<DeliveryRow>(`SELECT ${DELIVERY} FROM hook_events e WHERE ${where} ORDER BY e.id DESC LIMIT ? OFFSET ?`, [
        ...params,
        limit,
        offset,
      ]),
      this.sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM hook_events e WHERE ${where}`, params),
    ]);
    return { items, total: count.total };
  }

  async find(id: number, userId?: number): Promise<DeliveryRow | null> {
    const rows = await this.sql.query<DeliveryRow>(
      `SELECT ${DELIVERY} FROM hook_events e WHERE e.id = ? AND (?::int IS NULL OR e.user_id = ?)`,
      [id, userId ?? null, userId ?? null],
    );
    return rows[0] ?? null;
  }

  /** Drops up to `limit` finished deliveries (their attempts with them) of events older than `before`; answers how many. */
  async prune(before: number, limit: number): Promise<number> {
    const rows = await this.sql.query(
      `DELETE FROM hook_events WHERE id IN (
         SELECT id FROM hook_events WHERE state <> 'pending' AND created_at < ? ORDER BY id LIMIT ?) RETURNING id`,
      [before, limit],
    );
    return rows.length;
  }

  /** Sends the event again from now, with a fresh retry schedule (its id stays: receivers deduplicate by it). */
  async redeliver(id: number, userId?: number): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE hook_events SET state = 'pending', retry_base = attempts, next_attempt_at = ?, lease_until = 0
       WHERE id = ? AND (?::int IS NULL OR user_id = ?) AND (state <> 'pending' OR lease_until = 0) RETURNING id`,
      [Date.now(), id, userId ?? null, userId ?? null],
    );
    return rows.length > 0;
  }
}
