import { Injectable } from '@nestjs/common';
import { BillingService } from '@app/billing';
import { createHmac } from 'node:crypto';
import { MediaTask, Secrets, Sql, type SqlRunner, TaskEvent, TaskEvents, TaskMediaSource } from '@app/core';
import { HookOutbox, type HookSubscription } from '@app/hooks';
import type { TaskAction, TaskStatus, TerminalStatus } from '@app/mj-protocol';
import type { Task, TaskButton } from './task.entity';

/** A task as the poller and callbacks compare it with the upstream's view, with the poll bookkeeping. */
export interface PolledTask {
  id: number;
  userId: number;
  apiKeyId: number;
  channelId: number;
  mjId: string;
  /** The upstream's id: what polls ask for ('' while it has none). */
  upstreamId: string;
  action: string;
  status: TaskStatus;
  progress: string;
  imageUrl: string;
  imageUrls: string[];
  videoUrl: string;
  videoUrls: string[];
  promptEn: string;
  description: string;
  failReason: string;
  buttons: TaskButton[];
  properties: Record<string, unknown>;
  startTime: number;
  submitTime: number;
  /** When the dispatcher sent it upstream (0: sent at submit). */
  dispatchedAt: number;
  deadlineAt: number;
  idlePolls: number;
  missedPolls: number;
}

/** The columns a poll or callback may change. */
export interface TaskChanges {
  status?: TaskStatus;
  progress?: string;
  imageUrl?: string;
  imageUrls?: string[];
  videoUrl?: string;
  videoUrls?: string[];
  promptEn?: string;
  description?: string;
  failReason?: string;
  buttons?: TaskButton[];
  properties?: Record<string, unknown>;
  startTime?: number;
  finishTime?: number;
}

/** What to write for one task after a poll or a callback: its changes (if any) and its next poll. */
export interface TaskOutcome {
  task: PolledTask;
  changes: TaskChanges | null;
  terminal: TerminalStatus | null;
  /** Why a FAILURE happened, for the ledger. */
  reason?: string;
  nextPollAt: number;
  idlePolls: number;
  missedPolls: number;
  /**
   * Leave the task's schedule row as it is when its changes are written: a pass sets it for a task that changed
   * while its idle and missed counts were and stay 0, and was due, so the worker holding its bucket polls it
   * again next pass, as `nextPollAt` would say (one write of the schedule saved per changed task).
   */
  keepSchedule?: boolean;
}

export interface OutcomesWritten {
  changed: number;
  finished: number;
  refunded: number;
}

/** A task about to be submitted upstream, and who pays for it. */
export interface TaskDraft {
  userId: number;
  apiKeyId: number;
  channelId: number;
  parentId: number;
  action: TaskAction;
  prompt: string;
  promptEn: string;
  /** The client's prompt when a submit check rewrote it ('' otherwise). */
  originalPrompt?: string;
  state: string;
  submitTime: number;
  deadlineAt: number;
  nextPollAt: number;
  /** What the ledger says of the hold. */
  holdReason: string;
  /** Where the task's callbacks go (none when absent). */
  hook?: HookSubscription;
  /** Speed mode (fast / relax / turbo): recorded, and priced by. */
  mode?: string;
  /** Set: the task waits in the gateway's queue (code 22) with this request, instead of being sent at once. */
  queue?: QueuedRequest;
}

/** What a queued task will send upstream, once the dispatcher finds it room. */
export interface QueuedRequest {
  path: string;
  body: Record<string, unknown>;
  /** The channel it must go to (a follow-up's parent's); 0: any capable channel. */
  channelId: number;
  /** How long it may run once dispatched (its deadline then), in ms. */
  runMs: number;
  /** When it is given up if still queued (Unix ms): fixed at submit, however often the upstream answers "queue full". */
  queueDeadlineAt: number;
  /** The gateway's address as the client reached it: the base of the notifyHook given to the upstream. */
  baseUrl: string;
}

/** A queued task the dispatcher claimed for a channel: sent by it, then recorded as accepted, refused or requeued. */
export interface DispatchedTask {
  id: number;
  mjId: string;
  userId: number;
  apiKeyId: number;
  action: string;
  /** Speed mode (fast / relax / turbo): the channel must serve it. */
  mode: string;
  held: number;
  request: QueuedRequest;
}

/** What runs on, and waits for, one channel (channel 0: queued tasks that any channel may take). */
export interface ChannelLoad {
  channelId: number;
  inFlight: number;
  queued: number;
}

/** Where a task waiting in the gateway's queue stands: its 1-based place and when it should start (Unix ms). */
export interface QueuePlace {
  queuePosition: number;
  estimatedStartTime: number;
}

/** Unfinished (queued or running) tasks of a user and of a key (each counted up to its cap), and the caps (null: none). */
export interface TaskCounts {
  user: number;
  key: number;
  userCap: number | null;
  keyCap: number | null;
}

const UNFINISHED = `('NOT_START', 'SUBMITTED', 'IN_PROGRESS')`;
// Queued tasks never reach the poller: far in the future, the dispatcher owns them until sent.
const NEVER = 8_000_000_000_000_000;

/**
 * The order the dispatcher serves queued tasks in: round-robin over users, counting what each already has running, so
 * a user's thousand queued tasks never hold back another's one. `turn` = the user's tasks running + the task's place
 * among the user's queued ones; ties go to the older task.
 */
const FAIR_ORDER = `WITH load AS (
    SELECT user_id, count(*) AS running FROM tasks
    WHERE status IN ${UNFINISHED} AND NOT queued AND user_id IN (SELECT user_id FROM tasks WHERE queued)
    GROUP BY user_id),
  ranked AS (
    SELECT q.id, q.channel_id, row_number() OVER (PARTITION BY q.user_id ORDER BY q.id) + coalesce(l.running, 0) AS turn
    FROM tasks q LEFT JOIN load l ON l.user_id = q.user_id
    WHERE q.queued)`;

/** The upstream's acceptance of a submitted task. */
export interface Acceptance {
  channelId: number;
  /** The upstream's id of the task (an upload, which has none: ''). */
  upstreamId: string;
  submitCode: number;
  status: TaskStatus;
  progress: string;
  properties: Record<string, unknown>;
  imageUrls: string[];
  finishTime: number;
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

/** A polled task: the row `t` and its place on the poll schedule `p` (task_polls; absent once the task has ended). */
const POLLED_COLUMNS = `t.id, t.user_id AS "userId", t.api_key_id AS "apiKeyId", t.channel_id AS "channelId", t.mj_id AS "mjId",
  t.upstream_id AS "upstreamId", t.dispatched_at::float8 AS "dispatchedAt", t.action, t.status, t.progress, t.image_url AS "imageUrl", t.image_urls AS "imageUrls", t.video_url AS "videoUrl",
  t.video_urls AS "videoUrls", t.prompt_en AS "promptEn", t.description, t.fail_reason AS "failReason", t.buttons, t.properties,
  t.start_time::float8 AS "startTime", t.submit_time::float8 AS "submitTime", t.deadline_at::float8 AS "deadlineAt",
  coalesce(p.idle_polls, 0) AS "idlePolls", coalesce(p.missed_polls, 0) AS "missedPolls"`;

/** The sum durable media links are signed over (see the link_epochs migration); null when the owner was deleted. */
const LINK_EPOCH = `link_epoch + (SELECT u.link_epoch FROM users u WHERE u.id = tasks.user_id AND u.deleted_at IS NULL) AS "linkEpoch"`;

const TASK_COLUMNS = `id, user_id AS "userId", channel_id AS "channelId", api_key_id AS "apiKeyId", parent_id AS "parentId",
  mj_id AS "mjId", upstream_id AS "upstreamId", queued, dispatched_at::float8 AS "dispatchedAt", action, mode, status, progress, prompt, prompt_en AS "promptEn", description, state, submit_code AS "submitCode",
  image_url AS "imageUrl", image_urls AS "imageUrls", video_url AS "videoUrl", video_urls AS "videoUrls", buttons, properties,
  fail_reason AS "failReason", quota::float8 AS quota, submit_time::float8 AS "submitTime", start_time::float8 AS "startTime",
  finish_time::float8 AS "finishTime", deadline_at::float8 AS "deadlineAt", updated_at::float8 AS "updatedAt", ${LINK_EPOCH}`;

const MEDIA_COLUMNS = `id, user_id AS "userId", mj_id AS "mjId", status, action, progress, image_url AS "imageUrl",
  image_urls AS "imageUrls", video_url AS "videoUrl", video_urls AS "videoUrls", ${LINK_EPOCH}`;

/** A callback's snapshot of a changed row `c`: the row, with the link epoch its media links are signed over. */
const HOOK_SNAPSHOT = `to_jsonb(c) || jsonb_build_object('link_epoch',
  c.link_epoch + (SELECT u.link_epoch FROM users u WHERE u.id = c.user_id AND u.deleted_at IS NULL))`;

/** The id the batch's insert just took (same session). */
const CURRENT_TASK = `currval(pg_get_serial_sequence('tasks', 'id'))::int`;

/** The columns a task event is made of. */
const EVENT_COLUMNS = 'id, user_id, channel_id, mj_id, action, status, progress';
type EventRow = Omit<TaskEvent, 'at'>;

const toEvent = (row: EventRow): TaskEvent => ({
  id: row.id,
  user_id: row.user_id,
  channel_id: row.channel_id,
  mj_id: row.mj_id,
  action: row.action,
  status: row.status,
  progress: row.progress,
  at: Date.now(),
});

const isRefund = (terminal: TerminalStatus | null) => terminal === 'FAILURE' || terminal === 'CANCEL';

/**
 * The owner of the task row: every read and write of `tasks` outside the lists (`TaskRepository`) is a method here,
 * each a few explicit statements, set-based where many rows move. Money moves through billing in the same
 * transaction as the transition that causes it; every change is announced here, after its commit.
 */
@Injectable()
export class TaskStore implements TaskMediaSource {
  constructor(
    private readonly sql: Sql,
    private readonly billing: BillingService,
    private readonly events: TaskEvents,
    private readonly hooks: HookOutbox,
    secrets: Secrets,
  ) {
    const key = secrets.keyFor('task-id');
    this.idKeys = [0, 1, 2, 3].map((i) => createHmac('sha256', key).update(`round ${i}`).digest('hex').slice(0, 32));
  }

  /** Round keys of the permutation that turns a sequence number into a task's public id (`gateway_task_id`). */
  private readonly idKeys: string[];

  /**
   * Records a task and holds its price, together, in one round trip (billing's refusal undoes the insert and surfaces
   * as its 402 error). Answers the task's id and the amount held. The insert ends (its counter triggers take their
   * locks) before the hold takes the balance's: the order of every transaction that writes tasks, then moves quota.
   */
  async createHeld(draft: TaskDraft): Promise<{ id: number; mjId: string; held: number }> {
    const hold = this.billing.holdStatement(CURRENT_TASK, {
      userId: draft.userId,
      apiKeyId: draft.apiKeyId,
      action: draft.action,
      reason: draft.holdReason,
      mode: draft.mode,
    });
    try {
      const subscribe = draft.hook ? [this.hooks.subscribeStatement(CURRENT_TASK, draft.userId, draft.apiKeyId, draft.hook)] : [];
      const results = await this.sql.batch([
        {
          sql: `INSERT INTO tasks (user_id, api_key_id, channel_id, parent_id, action, prompt, prompt_en, state, submit_time,
                  deadline_at, updated_at, original_prompt, mode, mj_id, queued, queued_request, submit_code)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, gateway_task_id(nextval('task_public_ids'), ?::text[]), ?, ?::jsonb, ?)
                RETURNING id, mj_id`,
          params: [
            draft.userId,
            draft.apiKeyId,
            draft.queue ? draft.queue.channelId : draft.channelId,
            draft.parentId,
            draft.action,
            draft.prompt,
            draft.promptEn,
            draft.state,
            draft.submitTime,
            draft.deadlineAt,
            draft.submitTime,
            draft.originalPrompt ?? '',
            draft.mode ?? 'fast',
            `{${this.idKeys.join(',')}}`,
            !!draft.queue,
            draft.queue ? JSON.stringify(draft.queue) : null,
            draft.queue ? 22 : 0,
          ],
        },
        // The insert put it on the poll schedule (a trigger); its first poll comes when the draft says.
        // A queued task stays out of the poller's way until the dispatcher sends it.
        { sql: `UPDATE task_polls SET next_poll_at = ? WHERE task_id = ${CURRENT_TASK}`, params: [draft.queue ? NEVER : draft.nextPollAt] },
        ...subscribe,
        hold,
      ]);
      const [[task], [held]] = [results[0], results[results.length - 1]];
      const event = draft.queue ? await this.eventOf(Number(task.id)) : null;
      if (event) this.events.publish([event]);
      return { id: Number(task.id), mjId: String(task.mj_id), held: Number(held.amount) };
    } catch (error) {
      throw this.billing.refusalOf(error);
    }
  }

  /**
   * A modal confirm continues its MODAL task (same row, same upstream id), held a second time for the confirm.
   * Answers the amount held, or null when the task is no longer MODAL (a second confirm, or it moved on).
   */
  confirmModal(task: Task, apiKeyId: number, prompt: string, originalPrompt = '', hook?: HookSubscription): Promise<number | null> {
    return this.sql.transaction(async (tx) => {
      const now = Date.now();
      const claimed = await tx.query(
        `UPDATE tasks SET status = 'NOT_START', updated_at = ?,
           prompt = CASE WHEN ? = '' THEN prompt ELSE ? END, prompt_en = CASE WHEN ? = '' THEN prompt_en ELSE ? END,
           original_prompt = CASE WHEN ? = '' THEN original_prompt ELSE ? END
         WHERE id = ? AND status = 'MODAL' RETURNING id`,
        [now, prompt, prompt, prompt, prompt, originalPrompt, originalPrompt, task.id],
      );
      if (!claimed.length) return null;
      await tx.query('UPDATE task_polls SET next_poll_at = ?, idle_polls = 0 WHERE task_id = ?', [now, task.id]);
      // A confirm that names its own hook redirects the task's callbacks from here on.
      if (hook) await tx.query(this.hooks.resubscribeSql, [task.id, task.userId, apiKeyId, hook.url, hook.baseUrl]);
      return this.billing.hold(tx, { userId: task.userId, apiKeyId, taskId: task.id, action: 'MODAL', reason: 'MODAL confirmed' });
    });
  }

  /**
   * The upstream accepted the task: its id and answer recorded, and `held` (what its submit held) captured as its
   * charge. Null (and the hold released, the row dropped) when the upstream answered with a task this channel already
   * has here: never charged twice. Null too when the task was given up meanwhile (an orphan past its deadline).
   */
  async recordAccepted(taskId: number, held: number, accepted: Acceptance): Promise<TaskEvent | null> {
    // One statement: the row (unless it is a duplicate or was given up meanwhile), its callback event and its capture.
    const now = Date.now();
    const hook = this.hooks.eventsOf('accepted', now, HOOK_SNAPSHOT);
    const rows = await this.sql.query<EventRow>(
      `WITH accepted AS (
         UPDATE tasks t SET upstream_id = ?, channel_id = ?, submit_code = ?, status = ?, progress = ?, properties = ?::jsonb,
           image_urls = ?::jsonb, finish_time = ?, quota = quota + ?, updated_at = ?, queued = false, queued_request = NULL
         WHERE t.id = ? AND t.status = 'NOT_START'
           AND (? = '' OR NOT EXISTS (SELECT 1 FROM tasks d WHERE d.channel_id = ? AND d.upstream_id = ? AND d.id <> t.id))
         RETURNING t.*), ${hook.sql}
       SELECT ${EVENT_COLUMNS}, ${this.billing.captureCall('accepted.id')} FROM accepted`,
      [
        accepted.upstreamId,
        accepted.channelId,
        accepted.submitCode,
        accepted.status,
        accepted.progress,
        JSON.stringify(accepted.properties),
        JSON.stringify(accepted.imageUrls),
        accepted.finishTime,
        held,
        now,
        taskId,
        accepted.upstreamId,
        accepted.channelId,
        accepted.upstreamId,
        ...hook.params,
      ],
    );
    if (rows.length) {
      const event = toEvent(rows[0]);
      this.events.publish([event]);
      return event;
    }
    await this.sql.transaction(async (tx) => {
      const [task] = await tx.query<{ apiKeyId: number }>(
        `DELETE FROM tasks WHERE id = ? AND status = 'NOT_START' RETURNING api_key_id AS "apiKeyId"`,
        [taskId],
      );
      if (task)
        await this.billing.giveBack(tx, { taskId, apiKeyId: task.apiKeyId, kind: 'release', reason: 'the upstream task already existed' });
    });
    return null;
  }

  /**
   * The upstream refused the task (or none could be reached): FAILURE, and the hold released. Nothing when the task
   * was given up meanwhile (then its hold went back already).
   */
  async recordRefused(taskId: number, channelId: number, code: number, reason: string): Promise<void> {
    const event = await this.sql.transaction(async (tx) => {
      const now = Date.now();
      const hook = this.hooks.eventsOf('refused', now, HOOK_SNAPSHOT);
      const [row] = await tx.query<EventRow & { apiKeyId: number }>(
        `WITH refused AS (
           UPDATE tasks t SET channel_id = ?, submit_code = ?, status = 'FAILURE', fail_reason = ?, finish_time = ?, quota = 0, updated_at = ?,
             queued = false, queued_request = NULL
           WHERE id = ? AND status = 'NOT_START' RETURNING t.*), ${hook.sql}
         SELECT ${EVENT_COLUMNS}, api_key_id AS "apiKeyId" FROM refused`,
        [channelId, code, reason.slice(0, 1000), now, now, taskId, ...hook.params],
      );
      if (!row) return null;
      await this.billing.giveBack(tx, {
        taskId,
        apiKeyId: row.apiKeyId,
        kind: 'release',
        reason: `refused by the upstream: ${reason}`.slice(0, 500),
      });
      return toEvent(row);
    });
    if (event) this.events.publish([event]);
  }

  /** The caller's own task by its public id (the newest, should an upstream have reused one); null for anyone else's. */
  async findOwned(userId: number, mjId: string): Promise<Task | null> {
    if (!mjId) return null;
    const rows = await this.sql.query<Task>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE user_id = ? AND mj_id = ? ORDER BY id DESC LIMIT 1`, [
      userId,
      mjId,
    ]);
    return rows[0] ?? null;
  }

  /**
   * Revokes a task's durable media links (its link epoch moves on); with `ownerId`, only if the task is theirs.
   * False when there is no such task. Instances that served a link in the last few seconds may still serve it from
   * their media cache until it expires (5 s).
   */
  async revokeLinks(taskId: number, ownerId?: number): Promise<boolean> {
    const owner = ownerId === undefined ? '' : 'AND user_id = ?';
    const rows = await this.sql.query(`UPDATE tasks SET link_epoch = link_epoch + 1 WHERE id = ? ${owner} RETURNING id`, [
      taskId,
      ...(ownerId === undefined ? [] : [ownerId]),
    ]);
    return rows.length > 0;
  }

  /** The caller's own tasks among these public ids, newest first; others' and unknown ids are left out. */
  findOwnedMany(userId: number, mjIds: string[]): Promise<Task[]> {
    if (!mjIds.length) return Promise.resolve([]);
    return this.sql.query<Task>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE user_id = ? AND mj_id = ANY(?::text[]) ORDER BY id DESC`, [
      userId,
      mjIds,
    ]);
  }

  /** One task as a callback names it: by channel and upstream id. */
  async findByUpstreamId(channelId: number, mjId: string): Promise<PolledTask | null> {
    const rows = await this.sql.query<PolledTask>(
      `SELECT ${POLLED_COLUMNS} FROM tasks t LEFT JOIN task_polls p ON p.task_id = t.id WHERE t.channel_id = ? AND t.upstream_id = ?`,
      [channelId, mjId],
    );
    return rows[0] ?? null;
  }

  /**
   * One pass's claim, in one statement: the worker says it is alive, holds its share of the poll buckets until
   * `leaseUntil` (the ones it held, renewed, then free ones; over its share it lets go), and takes up to `limit` due
   * tasks of those buckets, most overdue first. A bucket is a task's id modulo the number of buckets; the share is the
   * buckets divided by the workers seen within one lease. Any number of instances poll side by side with no leader and
   * no task polled twice at once; an instance that dies lets its buckets run out, and the others take them over. The
   * claim writes no task's row, nor its schedule row: a few dozen bucket rows, however many tasks are due. The due
   * schedule rows are picked and ordered first, narrow, then joined to their tasks: sorting the joined rows, wide with
   * buttons and properties, spilled to disk at 10,000 tasks. (A task that ended has no schedule row, and a queued one
   * is due never, so the task's own checks after the limit take nothing from it.)
   */
  claimDue(worker: string, now: number, leaseUntil: number, limit: number): Promise<PolledTask[]> {
    const liveSince = now - (leaseUntil - now);
    return this.sql.query<PolledTask>(
      `WITH seen AS (
         INSERT INTO poll_workers (worker, seen_at) VALUES (?, ?::bigint) ON CONFLICT (worker) DO UPDATE SET seen_at = EXCLUDED.seen_at
       ), forgotten AS (
         DELETE FROM poll_workers WHERE seen_at < ?::bigint - 86400000 AND worker <> ?
       ), share AS (
         SELECT ceil((SELECT count(*) FROM poll_buckets)::numeric
           / (1 + (SELECT count(*) FROM poll_workers WHERE seen_at > ?::bigint AND worker <> ?)))::int AS n
       ), mine AS (
         SELECT bucket FROM poll_buckets WHERE holder = ? AND leased_until > ?::bigint ORDER BY bucket FOR UPDATE
       ), kept AS (
         SELECT bucket FROM mine ORDER BY bucket LIMIT (SELECT n FROM share)
       ), free AS (
         SELECT bucket FROM poll_buckets WHERE leased_until <= ?::bigint ORDER BY bucket
         LIMIT greatest((SELECT n FROM share) - (SELECT count(*) FROM mine), 0) FOR UPDATE SKIP LOCKED
       ), released AS (
         UPDATE poll_buckets SET holder = '', leased_until = 0 WHERE bucket IN (SELECT bucket FROM mine EXCEPT SELECT bucket FROM kept)
       ), held AS (
         UPDATE poll_buckets SET holder = ?, leased_until = ?::bigint
         WHERE bucket IN (SELECT bucket FROM kept UNION ALL SELECT bucket FROM free) RETURNING bucket
       ), due AS MATERIALIZED (
         SELECT task_id, idle_polls, missed_polls FROM task_polls
         WHERE next_poll_at <= ?::bigint AND task_id % (SELECT count(*) FROM poll_buckets) IN (SELECT bucket FROM held)
         ORDER BY next_poll_at LIMIT ?
       )
       SELECT ${POLLED_COLUMNS} FROM due p JOIN tasks t ON t.id = p.task_id
       WHERE t.status NOT IN ('SUCCESS', 'FAILURE', 'CANCEL') AND NOT t.queued`,
      [worker, now, now, worker, liveSince, worker, worker, now, now, worker, leaseUntil, now, limit],
    );
  }

  /** The worker stops polling (its instance shuts down): its buckets are free for the others at once. */
  async releaseBuckets(worker: string): Promise<void> {
    await this.sql.query(
      `WITH gone AS (DELETE FROM poll_workers WHERE worker = ?)
       UPDATE poll_buckets SET holder = '', leased_until = 0 WHERE holder = ?`,
      [worker, worker],
    );
  }

  /**
   * Writes poll and callback outcomes: all of a batch in one UPDATE (set-based), guarded by the status and progress
   * the outcome was computed from, so a concurrent writer's newer state is never overwritten; then, in the same
   * transaction, the refund of every task that this statement moved to FAILURE or CANCEL. Events go out after commit.
   */
  async applyOutcomes(outcomes: TaskOutcome[], now: number): Promise<OutcomesWritten> {
    if (!outcomes.length) return { changed: 0, finished: 0, refunded: 0 };
    const records = outcomes.map(({ task, changes, terminal, nextPollAt, idlePolls, missedPolls, keepSchedule }) => {
      const record: Record<string, unknown> = {
        id: task.id,
        changed: changes !== null,
        keep_schedule: keepSchedule === true,
        expect_status: task.status,
        expect_progress: task.progress,
        next_poll_at: nextPollAt,
        idle_polls: idlePolls,
        missed_polls: missedPolls,
        refund: isRefund(terminal),
      };
      for (const [key, column] of FIELDS) if (changes?.[key] !== undefined) record[column] = changes[key];
      return record;
    });
    const byId = new Map(outcomes.map((outcome) => [outcome.task.id, outcome]));
    // Without a refund to write, the one UPDATE needs no transaction around it (two round trips fewer).
    const { applied, refunded } = outcomes.some((o) => isRefund(o.terminal))
      ? await this.sql.transaction((tx) => this.writeOutcomes(tx, records, byId, now, true))
      : await this.writeOutcomes(this.sql, records, byId, now, false);
    const events: TaskEvent[] = [];
    let finished = 0;
    for (const row of applied) {
      const { task, changes, terminal } = byId.get(row.id)!;
      if (!changes) continue;
      if (terminal) finished += 1;
      // The row as written: the state the outcome was computed from (the statement's guard) with its changes.
      events.push(
        toEvent({
          id: task.id,
          user_id: task.userId,
          channel_id: task.channelId,
          mj_id: task.mjId,
          action: task.action,
          status: changes.status ?? task.status,
          progress: changes.progress ?? task.progress,
        }),
      );
    }
    this.events.publish(events);
    return { changed: events.length, finished, refunded };
  }

  private async writeOutcomes(
    runner: SqlRunner,
    records: Record<string, unknown>[],
    byId: Map<number, TaskOutcome>,
    now: number,
    refunding: boolean,
  ) {
    // One statement: the rows that changed (guarded by the state their outcome was computed from), then every task's
    // next poll, but for the changed ones whose schedule stays; unchanged tasks touch only task_polls. A task another
    // writer changed meanwhile is made due again at once. A task that ended here leaves the schedule by the trigger at
    // the end of the statement. The callback events of the rows written ride in it too.
    const hook = this.hooks.eventsOf('written', now, HOOK_SNAPSHOT);
    const rows = await runner.query<{ id: number }>(
      `WITH v AS (
         SELECT * FROM jsonb_to_recordset(?::jsonb) AS v(id int, changed boolean, keep_schedule boolean, expect_status text, expect_progress text,
           next_poll_at bigint, idle_polls int, missed_polls int, refund boolean, ${RECORD_TYPE})
       ), written AS (
         UPDATE tasks t SET ${SET_CLAUSE}, quota = CASE WHEN v.refund THEN 0 ELSE t.quota END, updated_at = ?
         FROM v WHERE v.changed AND t.id = v.id AND t.status = v.expect_status AND t.progress = v.expect_progress
         RETURNING t.*
       ), scheduled AS (
         UPDATE task_polls p SET
           next_poll_at = CASE
             WHEN v.changed AND NOT EXISTS (SELECT 1 FROM written w WHERE w.id = v.id) THEN ?
             WHEN NOT v.changed AND (t.status <> v.expect_status OR t.progress <> v.expect_progress) THEN ?
             ELSE v.next_poll_at END,
           idle_polls = v.idle_polls, missed_polls = v.missed_polls
         FROM v JOIN tasks t ON t.id = v.id WHERE p.task_id = v.id AND NOT (v.keep_schedule AND EXISTS (SELECT 1 FROM written w WHERE w.id = v.id))
       ), ${hook.sql}
       SELECT id FROM written`,
      [JSON.stringify(records), now, now, now, ...hook.params],
    );
    let refunded = 0;
    for (const row of refunding ? rows : []) {
      const { task, terminal, reason, changes } = byId.get(row.id)!;
      if (!isRefund(terminal)) continue;
      const given = await this.billing.giveBack(runner, {
        taskId: row.id,
        apiKeyId: task.apiKeyId,
        kind: task.upstreamId ? 'refund' : 'release',
        reason: (reason ?? changes?.failReason ?? terminal!).slice(0, 500),
      });
      if (given) refunded += 1;
    }
    return { applied: rows, refunded };
  }

  private async eventOf(taskId: number): Promise<TaskEvent | null> {
    const [row] = await this.sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM tasks WHERE id = ?`, [taskId]);
    return row ? toEvent(row) : null;
  }

  /** Per channel: tasks sent upstream and unfinished (derived from the rows: nothing to drift), and tasks queued for it. */
  channelLoads(): Promise<ChannelLoad[]> {
    return this.sql.query<ChannelLoad>(
      `SELECT channel_id AS "channelId", count(*) FILTER (WHERE NOT queued)::int AS "inFlight", count(*) FILTER (WHERE queued)::int AS queued
       FROM tasks WHERE status IN ${UNFINISHED} GROUP BY channel_id`,
    );
  }

  /**
   * Unfinished tasks of this user and of this key, against their caps: the admin API's (`max_tasks`), else the given
   * defaults (null: no cap). Each count stops at its cap (a user far past it costs no more than one at it).
   */
  async countUnfinished(userId: number, apiKeyId: number, userDefault: number | null, keyDefault: number | null): Promise<TaskCounts> {
    const [row] = await this.sql.query<TaskCounts>(
      `WITH caps AS (
         SELECT coalesce((SELECT max_tasks FROM users WHERE id = ?), ?::int) AS "userCap",
           CASE WHEN ?::int = 0 THEN NULL ELSE coalesce((SELECT max_tasks FROM api_keys WHERE id = ?), ?::int) END AS "keyCap")
       SELECT caps.*,
         CASE WHEN "userCap" IS NULL THEN 0 ELSE (SELECT count(*) FROM (SELECT 1 FROM tasks WHERE user_id = ? AND status IN ${UNFINISHED}
           LIMIT "userCap") u) END::int AS "user",
         CASE WHEN "keyCap" IS NULL THEN 0 ELSE (SELECT count(*) FROM (SELECT 1 FROM tasks WHERE api_key_id = ? AND status IN ${UNFINISHED}
           LIMIT "keyCap") k) END::int AS "key"
       FROM caps`,
      [userId, userDefault, apiKeyId, apiKeyId, keyDefault, userId, apiKeyId],
    );
    return row;
  }

  /**
   * Which of these channels have room now (tasks sent and unfinished below `capacity`, null: unlimited) with nobody
   * queued ahead for them. Each count stops at the channel's capacity.
   */
  async channelsWithRoom(channels: { id: number; capacity: number | null }[]): Promise<Set<number>> {
    if (!channels.length) return new Set();
    const rows = await this.sql.query<{ id: number }>(
      `SELECT c.id FROM jsonb_to_recordset(?::jsonb) AS c(id int, capacity int)
       WHERE NOT EXISTS (SELECT 1 FROM tasks q WHERE q.queued AND q.channel_id IN (0, c.id))
         AND (c.capacity IS NULL OR (SELECT count(*) FROM (SELECT 1 FROM tasks t WHERE t.channel_id = c.id AND t.status IN ${UNFINISHED}
           AND NOT t.queued LIMIT c.capacity) n) < c.capacity)`,
      [JSON.stringify(channels)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The upstream answered "queue full" (or busy) when the task was sent: back into the gateway's queue with its request,
   * still held, still NOT_START (code 22). Null when it was given up meanwhile.
   */
  async requeue(taskId: number, request: QueuedRequest): Promise<boolean> {
    const rows = await this.sql.query<EventRow>(
      `WITH requeued AS (
         UPDATE tasks SET queued = true, queued_request = ?::jsonb, channel_id = ?, submit_code = 22, deadline_at = ?, updated_at = ?
         WHERE id = ? AND status = 'NOT_START' AND upstream_id = '' RETURNING ${EVENT_COLUMNS}),
       unscheduled AS (UPDATE task_polls SET next_poll_at = ? WHERE task_id IN (SELECT id FROM requeued))
       SELECT * FROM requeued`,
      [JSON.stringify(request), request.channelId, request.queueDeadlineAt, Date.now(), taskId, NEVER],
    );
    if (rows.length) this.events.publish(rows.map(toEvent));
    return rows.length > 0;
  }

  /**
   * Claims up to `room` queued tasks for one channel, in the fair order, and marks them sent (so no other instance sends
   * them again): one transaction, under a per-channel advisory lock, so instances dispatching side by side never fill a
   * channel past its capacity between them. `capacity`: the channel's max_running + max_queued. A claimed task that
   * is never answered (the instance died) is the poller's orphan: released, never charged, never sent twice.
   */
  claimQueued(channelId: number, capacity: number, now: number): Promise<DispatchedTask[]> {
    return this.sql.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(1515, ?::int) AS locked`, [channelId]);
      if (!lock.locked) return [];
      const [load] = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tasks WHERE channel_id = ? AND status IN ${UNFINISHED} AND NOT queued`,
        [channelId],
      );
      const room = capacity - load.n;
      if (room <= 0) return [];
      const claimed = await tx.query<DispatchedTask>(
        `${FAIR_ORDER},
         picked AS (
           SELECT t.id FROM tasks t JOIN ranked r ON r.id = t.id
           WHERE t.queued AND t.status = 'NOT_START' AND t.channel_id IN (0, ?)
           ORDER BY r.turn, t.id LIMIT ? FOR UPDATE OF t SKIP LOCKED)
         UPDATE tasks t SET queued = false, channel_id = ?, dispatched_at = ?,
           deadline_at = ? + (t.queued_request->>'runMs')::bigint, queued_request = NULL, updated_at = ?
         FROM picked, tasks old
         WHERE t.id = picked.id AND old.id = picked.id
         RETURNING t.id, t.mj_id AS "mjId", t.user_id AS "userId", t.api_key_id AS "apiKeyId", t.action, t.mode, old.queued_request AS request,
           (SELECT coalesce(-sum(amount), 0) FROM ledger_entries WHERE task_id = t.id AND kind = 'hold')::float8 AS held`,
        [channelId, room, channelId, now, now, now],
      );
      // Sent now: back on the poller's schedule (it releases the task as an orphan if this instance dies mid-send).
      if (claimed.length) {
        await tx.query('UPDATE task_polls SET next_poll_at = ?, idle_polls = 0 WHERE task_id = ANY(?::int[])', [
          now,
          claimed.map((task) => task.id),
        ]);
      }
      return claimed;
    });
  }

  /**
   * Queued tasks past their deadline: FAILURE with the reason, and their holds released, in one transaction (the rows
   * first, then the balances). A task another instance is sending right now is locked, so skipped.
   */
  async expireQueued(now: number): Promise<number> {
    const events = await this.sql.transaction(async (tx) => {
      const hook = this.hooks.eventsOf('expired', now, HOOK_SNAPSHOT);
      const rows = await tx.query<EventRow & { apiKeyId: number }>(
        `WITH expired AS (
           UPDATE tasks t SET status = 'FAILURE', queued = false, queued_request = NULL, quota = 0, finish_time = ?, updated_at = ?,
             fail_reason = 'Not started: no upstream channel had room before the deadline (' || ((? - submit_time) / 1000)::int || ' s in the gateway queue); refunded'
           WHERE id IN (SELECT id FROM tasks WHERE queued AND deadline_at <= ? FOR UPDATE SKIP LOCKED)
           RETURNING t.*), ${hook.sql}
         SELECT ${EVENT_COLUMNS}, api_key_id AS "apiKeyId" FROM expired`,
        [now, now, now, now, ...hook.params],
      );
      for (const row of rows) {
        await this.billing.giveBack(tx, {
          taskId: row.id,
          apiKeyId: row.apiKeyId,
          kind: 'release',
          reason: 'not started before the deadline',
        });
      }
      return rows.map(toEvent);
    });
    this.events.publish(events);
    return events.length;
  }

  /**
   * The owner cancels a task still waiting in the gateway's queue: CANCEL, its hold released in full, never sent
   * upstream. Answers the cancelled task, or null with the reason it could not be (unknown, or no longer queued).
   */
  async cancelQueued(userId: number, mjId: string): Promise<{ task: Task | null; status: string | null }> {
    const event = await this.sql.transaction(async (tx) => {
      const now = Date.now();
      const hook = this.hooks.eventsOf('cancelled', now, HOOK_SNAPSHOT);
      const [row] = await tx.query<EventRow & { apiKeyId: number }>(
        `WITH cancelled AS (
           UPDATE tasks t SET status = 'CANCEL', queued = false, queued_request = NULL, quota = 0,
             fail_reason = 'Cancelled by its owner while queued', progress = '', finish_time = ?, updated_at = ?
           WHERE id = (SELECT id FROM tasks WHERE user_id = ? AND mj_id = ? ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED) AND queued
           RETURNING t.*), ${hook.sql}
         SELECT ${EVENT_COLUMNS}, api_key_id AS "apiKeyId" FROM cancelled`,
        [now, now, userId, mjId, ...hook.params],
      );
      if (!row) return null;
      await this.billing.giveBack(tx, { taskId: row.id, apiKeyId: row.apiKeyId, kind: 'release', reason: 'cancelled while queued' });
      return toEvent(row);
    });
    if (event) this.events.publish([event]);
    const task = await this.findOwned(userId, mjId);
    return { task: event ? task : null, status: task?.status ?? null };
  }

  /**
   * Where each of these tasks that is queued stands: its 1-based place in the dispatcher's fair order over every queued
   * task, and an estimate of its start (Unix ms): now, plus one median run time (of the last 100 successes, a minute
   * before any) per round of every enabled channel's running slots ahead of it.
   */
  async queuePlaces(taskIds: number[], now = Date.now()): Promise<Map<number, QueuePlace>> {
    if (!taskIds.length) return new Map();
    const rows = await this.sql.query<{ id: number; position: number; slots: number; runMs: number | null }>(
      `${FAIR_ORDER}
       SELECT o.id, o.position,
         (SELECT greatest(coalesce(sum(max_running), 0), 1) FROM channels WHERE enabled AND deleted_at IS NULL)::int AS slots,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY finish_time - greatest(start_time, dispatched_at, submit_time))
          FROM (SELECT finish_time, start_time, dispatched_at, submit_time FROM tasks WHERE status = 'SUCCESS' ORDER BY id DESC LIMIT 100) r
         )::float8 AS "runMs"
       FROM (SELECT id, row_number() OVER (ORDER BY turn, id)::int AS position FROM ranked) o WHERE o.id = ANY(?::int[])`,
      [taskIds],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        { queuePosition: row.position, estimatedStartTime: Math.round(now + Math.ceil(row.position / row.slots) * (row.runMs ?? 60_000)) },
      ]),
    );
  }

  /** Per channel (0: any channel), the submit time of the longest-waiting task in the gateway's queue. */
  oldestQueued(): Promise<{ channelId: number; since: number }[]> {
    return this.sql.query(
      `SELECT channel_id AS "channelId", min(submit_time)::float8 AS since FROM tasks WHERE queued AND status = 'NOT_START' GROUP BY channel_id`,
    );
  }

  /** Every task with this upstream id (several channels may reuse one), newest first: what a media link may name. */
  findMediaByUpstreamId(mjId: string, limit: number): Promise<MediaTask[]> {
    return this.sql.query<MediaTask>(`SELECT ${MEDIA_COLUMNS} FROM tasks WHERE mj_id = ? ORDER BY id DESC LIMIT ?`, [mjId, limit]);
  }

  async findMedia(taskId: number): Promise<MediaTask | null> {
    const rows = await this.sql.query<MediaTask>(`SELECT ${MEDIA_COLUMNS} FROM tasks WHERE id = ?`, [taskId]);
    return rows[0] ?? null;
  }
}
