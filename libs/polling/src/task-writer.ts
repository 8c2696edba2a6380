import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { BillingService, exec } from '@app/billing';
import { TaskEvent, TaskEvents } from '@app/core';
import type { ClaimedTask } from './claimed-task';
import type { TaskChanges, TerminalStatus } from './state-rules';

/** What to write for one task after a poll or a callback: its changes (if any) and its next poll. */
export interface TaskOutcome {
  task: ClaimedTask;
  changes: TaskChanges | null;
  terminal: TerminalStatus | null;
  /** Why a FAILURE happened, for the ledger. */
  reason?: string;
  nextPollAt: number;
  idlePolls: number;
  missedPolls: number;
}

export interface WriteResult {
  changed: number;
  finished: number;
  refunded: number;
}

const FIELDS: [keyof TaskChanges, string, string][] = [
  ['status', 'status', 'text'],
  ['progress', 'progress', 'text'],
  ['imageUrl', 'image_url', 'text'],
  ['imageUrls', 'image_urls', 'jsonb'],
  ['videoUrl', 'video_url', 'text'],
  ['videoUrls', 'video_urls', 'jsonb'],
  ['promptEn', 'prompt_en', 'text'],
  ['description', 'description', 'text'],
  ['failReason', 'fail_reason', 'text'],
  ['buttons', 'buttons', 'jsonb'],
  ['properties', 'properties', 'jsonb'],
  ['startTime', 'start_time', 'bigint'],
  ['finishTime', 'finish_time', 'bigint'],
];

const SET_CLAUSE = FIELDS.map(([, column]) => `${column} = COALESCE(v.${column}, t.${column})`).join(', ');
const RECORD_TYPE = FIELDS.map(([, column, type]) => `${column} ${type}`).join(', ');

/**
 * Writes poll and callback outcomes: all of a batch in one UPDATE (set-based), guarded by the status and progress
 * the outcome was computed from, so a concurrent writer's newer state is never overwritten; then, in the same
 * transaction, the refund of every task that this statement moved to FAILURE or CANCEL. Events go out after commit.
 */
@Injectable()
export class TaskWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly billing: BillingService,
    private readonly events: TaskEvents,
  ) {}

  async write(outcomes: TaskOutcome[], now: number): Promise<WriteResult> {
    if (!outcomes.length) return { changed: 0, finished: 0, refunded: 0 };
    const records = outcomes.map(({ task, changes, nextPollAt, idlePolls, missedPolls }) => {
      const record: Record<string, unknown> = {
        id: task.id,
        expect_status: task.status,
        expect_progress: task.progress,
        next_poll_at: nextPollAt,
        idle_polls: idlePolls,
        missed_polls: missedPolls,
      };
      for (const [key, column] of FIELDS) if (changes?.[key] !== undefined) record[column] = changes[key];
      return record;
    });
    const byId = new Map(outcomes.map((outcome) => [outcome.task.id, outcome]));
    const refunding = outcomes.some((o) => o.terminal === 'FAILURE' || o.terminal === 'CANCEL');
    // Without a refund to write, the one UPDATE needs no transaction around it (two round trips fewer).
    const { applied, refunded } = refunding
      ? await this.em.transactional((tx) => this.update(tx, records, byId, now, true))
      : await this.update(this.em, records, byId, now, false);
    const events: TaskEvent[] = [];
    let finished = 0;
    for (const row of applied) {
      const outcome = byId.get(row.id)!;
      if (!outcome.changes) continue;
      if (outcome.terminal) finished += 1;
      const { task } = outcome;
      events.push({ id: task.id, user_id: task.userId, channel_id: task.channelId, mj_id: task.mjId, action: task.action,
        status: row.status, progress: row.progress, at: now });
    }
    this.events.publish(events);
    return { changed: events.length, finished, refunded };
  }

  private async update(em: EntityManager, records: Record<string, unknown>[], byId: Map<number, TaskOutcome>, now: number, refunding: boolean) {
    const rows = await exec<{ id: number; status: string; progress: string }>(
      em,
      `UPDATE tasks t SET ${SET_CLAUSE}, next_poll_at = v.next_poll_at, idle_polls = v.idle_polls,
         missed_polls = v.missed_polls, updated_at = ?
       FROM jsonb_to_recordset(?::jsonb) AS v(id int, expect_status text, expect_progress text, next_poll_at bigint,
         idle_polls int, missed_polls int, ${RECORD_TYPE})
       WHERE t.id = v.id AND t.status = v.expect_status AND t.progress = v.expect_progress
       RETURNING t.id, t.status, t.progress`,
      [now, JSON.stringify(records)],
    );
    // A row another writer changed meanwhile kept the poller's long lease: make it due again at once.
    const written = new Set(rows.map((row) => row.id));
    const raced = records.map((record) => record.id as number).filter((id) => !written.has(id));
    if (raced.length) await exec(em, `UPDATE tasks SET next_poll_at = ? WHERE id IN (${raced.map(() => '?').join(', ')})`, [now, ...raced]);
    let refunded = 0;
    for (const row of refunding ? rows : []) {
      const outcome = byId.get(row.id)!;
      if (outcome.terminal === 'FAILURE' || outcome.terminal === 'CANCEL') {
        const kind = outcome.task.mjId ? 'refund' : 'release';
        const reason = (outcome.reason ?? outcome.changes?.failReason ?? outcome.terminal).slice(0, 500);
        if (await this.billing.giveBack(em, row.id, kind, reason)) refunded += 1;
      }
    }
    return { applied: rows, refunded };
  }
}
