import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { BatchStatement } from '@app/core';
import { hooksConfig } from './config/hooks.config';

/** Where a task's events go: the submit's notifyHook, else its key's default hook; links on the fetch answer's base. */
export interface HookSubscription {
  url: string;
  baseUrl: string;
}

/**
 * The outbox's writing half, as SQL pieces for the task row's owner (TaskStore), like billing's hold: an event is
 * written by the very statement that changes the task, so a change committed is an event committed. Progress-only
 * changes are coalesced here (at most one per task per HOOK_PROGRESS_MIN_INTERVAL_S); a status change always writes one.
 */
@Injectable()
export class HookOutbox {
  constructor(@Inject(hooksConfig.KEY) private readonly config: ConfigType<typeof hooksConfig>) {}

  /** Subscribes the task `taskIdSql` names (in the batch that inserts it), before its hold: tasks, hooks, then quota. */
  subscribeStatement(taskIdSql: string, userId: number, apiKeyId: number, hook: HookSubscription): BatchStatement {
    return {
      sql: `INSERT INTO hook_subscriptions (task_id, user_id, api_key_id, url, base_url) VALUES (${taskIdSql}, ?, ?, ?, ?)`,
      params: [userId, apiKeyId, hook.url, hook.baseUrl],
    };
  }

  /** Points an existing task's callbacks elsewhere (a modal confirm with its own notifyHook): task id, user, key, url, base. */
  readonly resubscribeSql = `INSERT INTO hook_subscriptions (task_id, user_id, api_key_id, url, base_url) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (task_id) DO UPDATE SET api_key_id = EXCLUDED.api_key_id, url = EXCLUDED.url, base_url = EXCLUDED.base_url, stopped = false`;

  /**
   * Two CTEs (`hook_claimed`, `hook_written`) to put after a CTE `source` that answers changed task rows in full
   * (`RETURNING t.*`, read as `c`; `snapshot`: what of `c` the body is rendered from): the events of those with a subscription, one per status change and per coalesced progress
   * change, each with the task as it now is and the next sequence number of its task. A task whose id was never handed
   * out (refused at submit, or before the upstream accepted it) has no events; one queued at the gateway (code 22) has.
   */
  eventsOf(source: string, now: number, snapshot = 'to_jsonb(c)'): { sql: string; params: unknown[] } {
    return {
      sql: `hook_claimed AS (
          UPDATE hook_subscriptions s SET seq = s.seq + 1, last_status = c.status, last_progress = c.progress, last_progress_at = ?
          FROM ${source} c
          WHERE s.task_id = c.id AND NOT s.stopped AND (c.upstream_id <> '' OR c.submit_code = 22 OR c.action = 'UPLOAD')
            AND (c.status <> s.last_status OR (c.progress <> s.last_progress AND s.last_progress_at <= ?))
          RETURNING s.task_id, s.seq, s.url, s.base_url, s.user_id, s.api_key_id, c.mj_id, c.status, c.progress, ${snapshot} AS snapshot),
        hook_written AS (
          INSERT INTO hook_events (task_id, mj_id, user_id, api_key_id, seq, url, base_url, task_status, progress, snapshot,
            next_attempt_at, created_at)
          SELECT task_id, mj_id, user_id, api_key_id, seq, url, base_url, status, progress, snapshot, ?, ? FROM hook_claimed
          RETURNING id)`,
      params: [now, now - this.config.progressMinIntervalMs, now, now],
    };
  }
}
