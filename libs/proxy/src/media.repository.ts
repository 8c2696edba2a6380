import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { type MediaTask, TaskMediaSource } from '@app/core';
import type { MediaKind } from './content-sniff';

export type { MediaTask };

export interface StoredObject {
  key: string;
  contentType: string;
  size: number;
  etag: string;
}

export interface ObjectRecord extends StoredObject {
  taskId: number;
  kind: MediaKind;
  n: number;
  variant: string;
}

/** A claimed copy; `lease` (the row's next_attempt_at) proves the claim is still ours. */
export interface CopyClaim {
  taskId: number;
  attempts: number;
  lease: number;
}

/** A candidate task for a media request, with the stored object asked for when there is one. */
export interface ServingRow extends MediaTask {
  object: StoredObject | null;
  /** A copy into the store is queued or running: the object may appear any moment. */
  copying: boolean;
}

type ObjectRow = { task_id: number; store_key: string | null; content_type: string; size: string; etag: string; copying: boolean };

const toObject = (row: { store_key: string | null; content_type: string; size: string | number; etag: string }): StoredObject | null =>
  row.store_key === null ? null : { key: row.store_key, contentType: row.content_type, size: Number(row.size), etag: row.etag };

/** Named queries of the media library: stored objects, the copy queue and the size budget; tasks from their owner. */
@Injectable()
export class MediaRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tasks: TaskMediaSource,
  ) {}

  private execute<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(sql, params);
  }

  /** Every task with this upstream id (several channels may reuse one), newest first, each with its stored object. */
  async findForServing(mjId: string, kind: MediaKind, n: number, variant: string): Promise<ServingRow[]> {
    const tasks = await this.tasks.findMediaByUpstreamId(mjId, 20);
    if (!tasks.length) return [];
    const rows = await this.execute<ObjectRow>(
      `SELECT t.id AS task_id, m.store_key, m.content_type, m.size, m.etag, coalesce(a.state = 'pending', false) AS copying
       FROM unnest(?::int[]) AS t(id) LEFT JOIN media_objects m ON m.task_id = t.id AND m.kind = ? AND m.n = ? AND m.variant = ?
         LEFT JOIN media_archive a ON a.task_id = t.id`,
      [`{${tasks.map((task) => task.id).join(',')}}`, kind, n, variant],
    );
    const byTask = new Map(rows.map((row) => [row.task_id, row]));
    return tasks.map((task) => {
      const row = byTask.get(task.id);
      return { ...task, object: row ? toObject(row) : null, copying: row?.copying ?? false };
    });
  }

  async findObject(taskId: number, kind: MediaKind, n: number, variant = ''): Promise<StoredObject | null> {
    const rows = await this.execute<{ store_key: string; content_type: string; size: string; etag: string }>(
      'SELECT store_key, content_type, size, etag FROM media_objects WHERE task_id = ? AND kind = ? AND n = ? AND variant = ?',
      [taskId, kind, n, variant],
    );
    return rows[0] ? toObject(rows[0]) : null;
  }

  findTask(taskId: number): Promise<MediaTask | null> {
    return this.tasks.findMedia(taskId);
  }

  async saveObject(record: ObjectRecord, now = Date.now()): Promise<void> {
    await this.execute(
      `INSERT INTO media_objects (task_id, kind, n, variant, store_key, content_type, size, etag, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (task_id, kind, n, variant) DO UPDATE SET store_key = EXCLUDED.store_key,
         content_type = EXCLUDED.content_type, size = EXCLUDED.size, etag = EXCLUDED.etag, created_at = EXCLUDED.created_at`,
      [record.taskId, record.kind, record.n, record.variant, record.key, record.contentType, record.size, record.etag, now],
    );
  }

  /**
   * Claims due copies (all of them, or only `taskId`): `next_attempt_at` moves to the end of the lease, so another
   * instance skips them, and that value is the claim's token; rows locked by a concurrent claim are skipped.
   */
  async claim(limit: number, leaseMs: number, now: number, taskId?: number): Promise<CopyClaim[]> {
    const only = taskId === undefined ? '' : 'AND task_id = ?';
    const lease = now + leaseMs;
    const rows = await this.execute<{ task_id: number; attempts: number }>(
      `UPDATE media_archive SET next_attempt_at = ?, attempts = attempts + 1, updated_at = ?
       WHERE task_id IN (SELECT task_id FROM media_archive WHERE state = 'pending' AND next_attempt_at <= ? ${only}
         ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
       RETURNING task_id, attempts`,
      [lease, now, now, ...(taskId === undefined ? [] : [taskId]), limit],
    );
    return rows.map((row) => ({ taskId: row.task_id, attempts: row.attempts, lease }));
  }

  /**
   * Ends a claimed copy (done, failed, or due again at `retryAt`). Does nothing when the task was queued again
   * meanwhile (its result URLs changed): that newer copy must still run.
   */
  async endCopy(
    claim: CopyClaim,
    outcome: { state: 'done' | 'failed' } | { retryAt: number },
    error = '',
    now = Date.now(),
  ): Promise<void> {
    const [state, next] = 'state' in outcome ? [outcome.state, claim.lease] : ['pending', outcome.retryAt];
    await this.execute(
      `UPDATE media_archive SET state = ?, next_attempt_at = ?, last_error = ?, updated_at = ?
       WHERE task_id = ? AND state = 'pending' AND next_attempt_at = ?`,
      [state, next, error.slice(0, 500), now, claim.taskId, claim.lease],
    );
  }

  async storedBytes(): Promise<number> {
    const rows = await this.execute<{ bytes: string }>('SELECT bytes FROM media_store_usage WHERE id = 1');
    return Number(rows[0]?.bytes ?? 0);
  }

  /**
   * Removes objects from the index, thumbnails (variants) before originals, oldest first (the caller deletes their
   * files); tasks whose original went are marked evicted.
   */
  async evictOldest(limit: number): Promise<{ key: string; size: number }[]> {
    const rows = await this.execute<{ store_key: string; size: string; task_id: number; variant: string }>(
      `DELETE FROM media_objects WHERE (task_id, kind, n, variant) IN (
         SELECT task_id, kind, n, variant FROM media_objects ORDER BY variant = '', created_at LIMIT ? FOR UPDATE SKIP LOCKED)
       RETURNING store_key, size, task_id, variant`,
      [limit],
    );
    const tasks = [...new Set(rows.filter((row) => row.variant === '').map((row) => row.task_id))];
    if (tasks.length) {
      await this.execute(
        `UPDATE media_archive SET state = 'evicted', updated_at = ? WHERE task_id IN (${tasks.map(() => '?').join(', ')})`,
        [Date.now(), ...tasks],
      );
    }
    return rows.map((row) => ({ key: row.store_key, size: Number(row.size) }));
  }

  async keyInUse(key: string): Promise<boolean> {
    const rows = await this.execute('SELECT 1 FROM media_objects WHERE store_key = ? LIMIT 1', [key]);
    return rows.length > 0;
  }
}
