import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigType } from '@nestjs/config';
import { EntityManager } from '@mikro-orm/postgresql';
import { Channel, UpstreamClient, UpstreamError } from '@app/channels';
import { type OutcomesWritten, type PolledTask, type TaskOutcome, TaskStore } from '@app/mj';
import { pollingConfig } from './config/polling.config';
import { runLimited } from './limiter';
import { OutcomeWriter } from './outcome-writer';
import { PollingMetrics } from './polling.metrics';
import { applyUpstream } from './state-rules';

/** Outcomes written in one statement at most. */
const WRITE_GROUP = 1_000;
/** How long answers wait for others to fill a write before it starts anyway (a pass's slowest channel holds no one longer). */
const GATHER_MS = 200;
/**
 * Writes at once, each on its own connection: one is prepared and sent while the other runs. They touch other tasks;
 * their counter triggers lock the counter rows in key order, so they queue there rather than deadlock.
 */
const WRITES_IN_FLIGHT = 2;

export interface PassReport extends OutcomesWritten {
  claimed: number;
  errors: Record<number, number>;
  durationMs: number;
}

/**
 * One idempotent polling pass: claim due tasks, ask each channel for them in batches (channels side by side, within
 * a limit, each request with its own timeout), apply the state rules, and write what changed with its refunds.
 * Deadlines are on our clock from our own submit time; a task the upstream keeps leaving out is lost; a deleted
 * channel's tasks fail. An upstream that keeps erroring fails nothing before the deadline.
 */
@Injectable()
export class PollingService {
  private readonly logger = new Logger('Polling');
  /** This instance's name among the workers that share the poll buckets. */
  private readonly worker = randomUUID();

  constructor(
    private readonly em: EntityManager,
    private readonly upstream: UpstreamClient,
    private readonly tasks: TaskStore,
    private readonly metrics: PollingMetrics,
    @Inject(pollingConfig.KEY) private readonly config: ConfigType<typeof pollingConfig>,
  ) {}

  async pass(): Promise<PassReport> {
    const started = performance.now();
    const now = Date.now();
    // How long this instance holds its buckets: past any pass (its calls time out), and renewed by the next one.
    const lease = now + this.config.requestTimeoutMs * 2 + this.config.intervalMs;
    const claimed = await this.tasks.claimDue(this.worker, now, lease, this.config.claimLimit);
    const report: PassReport = { claimed: claimed.length, changed: 0, finished: 0, refunded: 0, errors: {}, durationMs: 0 };
    // A pass that took every due task of its buckets polls each again next pass: a changed task's schedule row may
    // stay as it is. At its limit, the next polls are written, so the most overdue go first next time.
    const keepSchedules = claimed.length < this.config.claimLimit;
    if (claimed.length) {
      const channels = await this.channelsOf(claimed);
      const writer = new OutcomeWriter<TaskOutcome>((outcomes) => this.write(outcomes, report), {
        maxPerWrite: WRITE_GROUP,
        maxWaitMs: GATHER_MS,
        maxInFlight: WRITES_IN_FLIGHT,
      });
      // The upstream calls do not wait for the writes, and the answers gather into full writes (WRITE_GROUP), so a
      // pass that changes every task writes in about claimed / WRITE_GROUP statements, not one per batch.
      const jobs = this.batches(claimed).map(
        (batch) => () => this.pollBatch(batch, channels.get(batch[0].channelId), report, writer, keepSchedules),
      );
      await runLimited(jobs, this.config.concurrency);
      writer.close();
      await writer.idle();
    }
    report.durationMs = Math.round(performance.now() - started);
    this.metrics.passDuration.observe(report.durationMs / 1000);
    if (claimed.length) {
      this.logger.log(
        `pass: claimed ${report.claimed}, changed ${report.changed}, finished ${report.finished}, refunded ${report.refunded}, ` +
          `errors ${JSON.stringify(report.errors)}, ${report.durationMs} ms`,
      );
    }
    return report;
  }

  /** This instance stops polling: its buckets go to the other instances at once rather than when their lease ends. */
  release(): Promise<void> {
    return this.tasks.releaseBuckets(this.worker);
  }

  private async channelsOf(tasks: PolledTask[]): Promise<Map<number, Channel>> {
    const ids = [...new Set(tasks.map((t) => t.channelId))];
    const channels = await this.em.fork().find(Channel, { id: { $in: ids }, deletedAt: null });
    return new Map(channels.map((c) => [c.id, c]));
  }

  /** Per channel, in slices of at most `batchSize` ids; tasks without an upstream id go alone. */
  private batches(tasks: PolledTask[]): PolledTask[][] {
    const byChannel = new Map<string, PolledTask[]>();
    for (const task of tasks) {
      const key = task.upstreamId ? String(task.channelId) : `orphan:${task.channelId}`;
      const group = byChannel.get(key);
      if (group) group.push(task);
      else byChannel.set(key, [task]);
    }
    const batches: PolledTask[][] = [];
    for (const group of byChannel.values()) {
      for (let i = 0; i < group.length; i += this.config.batchSize) batches.push(group.slice(i, i + this.config.batchSize));
    }
    return batches;
  }

  private async pollBatch(
    batch: PolledTask[],
    channel: Channel | undefined,
    report: PassReport,
    writer: OutcomeWriter<TaskOutcome>,
    keepSchedules: boolean,
  ): Promise<void> {
    const now = Date.now();
    let outcomes: TaskOutcome[];
    if (!batch[0].upstreamId) {
      outcomes = batch.map((task) => this.unrecorded(task, now));
    } else if (!channel) {
      outcomes = batch.map((task) => this.fail(task, now, 'The channel of this task was deleted', 'channel deleted'));
    } else {
      outcomes = await this.askUpstream(batch, channel, now, report, keepSchedules);
    }
    void writer.add(outcomes).catch((error: Error) => this.logger.error(`writing poll results failed: ${error.message}`));
  }

  private async write(outcomes: TaskOutcome[], report: PassReport): Promise<void> {
    const written = await this.tasks.applyOutcomes(outcomes, Date.now());
    report.changed += written.changed;
    report.finished += written.finished;
    report.refunded += written.refunded;
    this.metrics.refunds.inc(written.refunded);
    for (const outcome of outcomes) if (outcome.terminal) this.metrics.finished.inc({ status: outcome.terminal });
  }

  private async askUpstream(
    batch: PolledTask[],
    channel: Channel,
    now: number,
    report: PassReport,
    keepSchedules: boolean,
  ): Promise<TaskOutcome[]> {
    let items: unknown[];
    try {
      items = await this.upstream.listByCondition(
        channel,
        batch.map((t) => t.upstreamId),
        this.config.requestTimeoutMs,
      );
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      report.errors[channel.id] = (report.errors[channel.id] ?? 0) + 1;
      this.metrics.upstreamErrors.inc({ channel: String(channel.id) });
      return batch.map((task) => this.deadlineOr(task, now, () => this.reschedule(task, now, task.idlePolls + 1, task.missedPolls)));
    }
    const seen = new Map<string, Record<string, unknown>>();
    for (const item of items) {
      if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string') {
        seen.set((item as { id: string }).id, item as Record<string, unknown>);
      }
    }
    return batch.map((task) => {
      const item = seen.get(task.upstreamId);
      if (!item) {
        const missed = task.missedPolls + 1;
        if (missed >= this.config.lostAfter) return this.fail(task, now, 'The upstream lost this task', 'lost by the upstream');
        return this.deadlineOr(task, now, () => this.reschedule(task, now, task.idlePolls + 1, missed));
      }
      const transition = applyUpstream(task, item, now);
      if (transition?.terminal)
        return { task, ...transition, reason: transition.changes.failReason, nextPollAt: now, idlePolls: 0, missedPolls: 0 };
      return this.deadlineOr(task, now, () => ({
        ...this.reschedule(task, now, transition ? 0 : task.idlePolls + 1, 0),
        changes: transition?.changes ?? null,
        keepSchedule: keepSchedules && transition !== null && task.idlePolls === 0 && task.missedPolls === 0,
      }));
    });
  }

  /**
   * A submit whose upstream call never completed (the process died mid-way): released once it is clearly over, after
   * the orphan delay or at its deadline, whichever comes first; never charged.
   */
  private unrecorded(task: PolledTask, now: number): TaskOutcome {
    const overdue = task.deadlineAt > 0 && now >= task.deadlineAt;
    // A queued task's submit to the upstream starts when the dispatcher sends it.
    if (now - Math.max(task.submitTime, task.dispatchedAt) < this.config.orphanAfterMs && !overdue)
      return this.reschedule(task, now, task.idlePolls + 1, 0);
    return this.fail(task, now, 'The submit to the upstream never completed', 'submit never completed');
  }

  private deadlineOr(task: PolledTask, now: number, otherwise: () => TaskOutcome): TaskOutcome {
    if (task.deadlineAt && now >= task.deadlineAt) {
      const seconds = Math.round((task.deadlineAt - Math.max(task.submitTime, task.dispatchedAt)) / 1000);
      const from = task.dispatchedAt ? 'being sent upstream' : 'submit';
      return this.fail(task, now, `Timed out: not finished within ${seconds} s of ${from}`, 'timed out');
    }
    return otherwise();
  }

  private fail(task: PolledTask, now: number, failReason: string, reason: string): TaskOutcome {
    return {
      task,
      changes: { status: 'FAILURE', progress: '', failReason, finishTime: now, ...(task.startTime ? {} : { startTime: now }) },
      terminal: 'FAILURE',
      reason,
      nextPollAt: now,
      idlePolls: 0,
      missedPolls: 0,
    };
  }

  private reschedule(task: PolledTask, now: number, idlePolls: number, missedPolls: number): TaskOutcome {
    const backoff = Math.min(this.config.intervalMs * 2 ** Math.min(Math.max(idlePolls - 1, 0), 10), this.config.maxBackoffMs);
    // Never backed off past the deadline: a task is given up on time.
    const nextPollAt = task.deadlineAt > now ? Math.min(now + backoff, task.deadlineAt) : now + backoff;
    return { task, changes: null, terminal: null, nextPollAt, idlePolls, missedPolls };
  }
}
