import type { EntityManager } from '@mikro-orm/postgresql';
import { exec } from '@app/billing';
import type { TaskState } from './state-rules';

/** A task this instance holds the lease of for one poll. */
export interface ClaimedTask extends TaskState {
  userId: number;
  channelId: number;
  mjId: string;
  action: string;
  submitTime: number;
  deadlineAt: number;
  idlePolls: number;
  missedPolls: number;
}

const COLUMNS = `id, user_id AS "userId", channel_id AS "channelId", mj_id AS "mjId", action, status, progress,
  image_url AS "imageUrl", image_urls AS "imageUrls", video_url AS "videoUrl", video_urls AS "videoUrls",
  prompt_en AS "promptEn", description, fail_reason AS "failReason", buttons, properties,
  start_time::float8 AS "startTime", submit_time::float8 AS "submitTime", deadline_at::float8 AS "deadlineAt",
  idle_polls AS "idlePolls", missed_polls AS "missedPolls"`;

/**
 * Takes up to `limit` due, unfinished tasks and pushes their next poll past `leaseUntil`, in one statement.
 * `SKIP LOCKED` lets any number of instances claim side by side with no leader; an instance that dies simply
 * lets its leases run out. The partial index on unfinished tasks means finished ones are never scanned.
 */
export function claimDueTasks(em: EntityManager, now: number, leaseUntil: number, limit: number): Promise<ClaimedTask[]> {
  return exec<ClaimedTask>(
    em,
    `UPDATE tasks SET next_poll_at = ? WHERE id IN (
       SELECT id FROM tasks
       WHERE status NOT IN ('SUCCESS', 'FAILURE', 'CANCEL') AND next_poll_at <= ?
       ORDER BY next_poll_at LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [leaseUntil, now, limit],
  );
}

/** One task as the poller or a callback sees it, by channel and upstream id. */
export async function findByUpstreamId(em: EntityManager, channelId: number, mjId: string): Promise<ClaimedTask | null> {
  const rows = await exec<ClaimedTask>(em, `SELECT ${COLUMNS} FROM tasks WHERE channel_id = ? AND mj_id = ?`, [channelId, mjId]);
  return rows[0] ?? null;
}
