import { Injectable, Logger } from '@nestjs/common';
import { Sql } from '@app/core';
import { ReturnCode, type SubmitResultVO } from '@app/mj-protocol';
import { missingFor, type TaskNeed } from './capabilities';
import { ChannelAlerts } from './channel-alerts';
import type { Channel, ChannelState } from './channel.entity';
import { ChannelRepository } from './channel.repository';
import { type ProbeResult, UpstreamError } from './upstream-kind';
import { UpstreamClient } from './upstream.client';

/** What one submit attempt to a channel came to: the upstream's answer, or why there was none. */
export type AttemptOutcome = { answer: SubmitResultVO } | { error: UpstreamError };

/**
 * What an attempt says of the channel: `failure` counts towards opening its breaker, `disable` switches it off (a
 * refused secret does not heal by waiting), `neutral` says nothing (the user's own bad request, or success).
 */
export type Verdict = { kind: 'neutral' } | { kind: 'failure' | 'disable'; reason: string };

/** The upstream's refusals that speak of its account, not of the request (protocol §1.3, §6.3). */
const ACCOUNT_REFUSAL = /无可用的账号实例|账号不可用|no available account|account[^.]*\b(disabled|banned|suspended|unavailable)\b/i;
/** Code 3 also means "parent task missing": the request's problem. */
const PARENT_MISSING = /关联任务不存在|parent/i;
/** A probe that failed waits longer each time, up to this. */
const MAX_COOLDOWN_S = 3600;
/** A half-open probe that never reported back (its instance died) is taken over after this. */
const STALE_PROBE_S = 300;
/** Failures older than any window are deleted this often. */
const PRUNE_EVERY_MS = 3_600_000;

export function verdictOf(outcome: AttemptOutcome): Verdict {
  if ('error' in outcome) {
    const { error } = outcome;
    if (error.kind === 'http' && (error.status === 401 || error.status === 403)) {
      return { kind: 'disable', reason: `the upstream refused our secret (HTTP ${error.status})` };
    }
    if (error.kind === 'http' && (error.status ?? 0) < 500) return { kind: 'neutral' };
    return { kind: 'failure', reason: error.message };
  }
  const { answer } = outcome;
  if (answer.code === ReturnCode.SUCCESS || answer.code === ReturnCode.IN_QUEUE || answer.code === ReturnCode.EXISTED) {
    return { kind: 'neutral' };
  }
  const description = answer.description ?? '';
  if (answer.code === ReturnCode.NOT_FOUND && !PARENT_MISSING.test(description)) {
    return { kind: 'failure', reason: `code 3: ${description || 'no available account'}` };
  }
  if (answer.code !== ReturnCode.VALIDATION_ERROR && answer.code !== ReturnCode.BANNED_PROMPT && ACCOUNT_REFUSAL.test(description)) {
    return { kind: 'failure', reason: `account refused: ${description}` };
  }
  return { kind: 'neutral' };
}

export interface Eligible {
  /** Channels a new task may go to: enabled, breaker closed, able to do it; in priority order. */
  channels: Channel[];
  /** When there are none: why, in words a client can act on. */
  refusal?: string;
}

interface Transition {
  from: ChannelState[];
  to: ChannelState;
  reason: string;
  /** Further condition on the row (`c.` columns), e.g. enough failures. */
  when?: string;
  /** Further assignments (`c.` columns). */
  set?: string;
}

/**
 * The circuit breaker of every channel, shared through the database: each transition is one statement that moves the
 * row only from the states it names (so of two instances seeing the same failure, one moves it), and writes the
 * event history in the same statement. Also the pacing slot a submit claims, and what a new task may go to.
 */
@Injectable()
export class ChannelHealth {
  private readonly logger = new Logger('ChannelHealth');
  private prunedAt = 0;

  constructor(
    private readonly sql: Sql,
    private readonly channels: ChannelRepository,
    private readonly upstream: UpstreamClient,
    private readonly alerts: ChannelAlerts,
  ) {}

  /** The channels a new task may go to (the relay's submit and the queue's dispatcher ask this). */
  async eligible(need: TaskNeed): Promise<Eligible> {
    const enabled = await this.channels.findEnabledCached();
    if (!enabled.length) return { channels: [], refusal: 'No upstream channel is enabled' };
    const closed = enabled.filter((channel) => channel.state === 'closed');
    if (!closed.length) {
      return { channels: [], refusal: `Every channel is resting after failures (${enabled.map(describe).join('; ')})` };
    }
    const capable = closed.filter((channel) => !missingFor(channel.capabilities, need));
    if (!capable.length) {
      const lacking = [...new Set(closed.map((channel) => missingFor(channel.capabilities, need)))].join(', ');
      return { channels: [], refusal: `No available channel can do ${needText(need)}: they lack ${lacking}` };
    }
    return { channels: capable };
  }

  /** Why a follow-up cannot go to its parent's channel (the only one that knows the parent), or null. */
  refusalFor(channel: Channel, need: TaskNeed): string | null {
    if (!channel.enabled || channel.deletedAt) return `Channel ${channel.id} is disabled or deleted; follow-ups must go to it`;
    if (channel.state !== 'closed')
      return `Channel ${channel.id} is resting after failures (${describe(channel)}); follow-ups must go to it`;
    const missing = missingFor(channel.capabilities, need);
    return missing ? `Channel ${channel.id}, which holds the parent task, cannot do ${missing}` : null;
  }

  /** Counts a failed attempt, opens the breaker at its threshold, disables on a refused secret. */
  async recordOutcome(channel: Channel, outcome: AttemptOutcome): Promise<void> {
    const verdict = verdictOf(outcome);
    if (verdict.kind === 'neutral') return;
    if (verdict.kind === 'disable') {
      await this.move(channel.id, {
        from: ['closed', 'open', 'half_open'],
        to: 'disabled',
        reason: verdict.reason,
        set: 'enabled = false',
      });
      return;
    }
    await this.sql.query('INSERT INTO channel_failures (channel_id) VALUES (?)', [channel.id]);
    await this.move(channel.id, {
      from: ['closed'],
      to: 'open',
      reason: `${channel.breakerFailures} failures within ${channel.breakerWindowS} s, the last: ${verdict.reason}`,
      when: `(SELECT count(*) FROM channel_failures f WHERE f.channel_id = c.id
               AND f.at > now() - make_interval(secs => c.breaker_window_s)) >= c.breaker_failures`,
      set: 'failed_probes = 0, probe_at = now() + make_interval(secs => c.breaker_cooldown_s)',
    });
  }

  /**
   * Pacing: takes the channel's next submit slot (its least gap plus jitter, its daily cap). False when the channel
   * must wait; a channel without pacing always has a slot and costs no statement.
   */
  async claimSlot(channel: Channel): Promise<boolean> {
    if (channel.minGapMs <= 0 && channel.dailyCap <= 0) return true;
    const rows = await this.sql.query(
      `UPDATE channels SET
         next_submit_at = now() + make_interval(secs => (min_gap_ms + floor(random() * (gap_jitter_ms + 1))) / 1000.0),
         submits_today = CASE WHEN submits_day = (now() AT TIME ZONE 'UTC')::date THEN submits_today + 1 ELSE 1 END,
         submits_day = (now() AT TIME ZONE 'UTC')::date
       WHERE id = ? AND (next_submit_at IS NULL OR next_submit_at <= now())
         AND (daily_cap = 0 OR submits_day IS DISTINCT FROM (now() AT TIME ZONE 'UTC')::date OR submits_today < daily_cap)
       RETURNING id`,
      [channel.id],
    );
    return rows.length > 0;
  }

  /** One pass of the half-open probes: every open channel whose cool-down is over gets one probe, by one instance. */
  async probeDue(): Promise<number> {
    const due = await this.sql.query<{ id: number }>(
      `SELECT id FROM channels WHERE deleted_at IS NULL AND enabled AND (
         (state = 'open' AND probe_at <= now())
         OR (state = 'half_open' AND state_since < now() - make_interval(secs => ${STALE_PROBE_S})))`,
    );
    let probed = 0;
    for (const { id } of due) {
      const claimed = await this.move(id, {
        from: ['open', 'half_open'],
        to: 'half_open',
        reason: 'cool-down over: probing',
        when: `(c.state = 'open' AND c.probe_at <= now()) OR c.state_since < now() - make_interval(secs => ${STALE_PROBE_S})`,
      });
      if (!claimed) continue;
      const channel = await this.channels.findLive(id);
      if (!channel) continue;
      await this.applyProbe(channel, await this.upstream.probe(channel));
      probed++;
    }
    if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      await this.sql.query(`DELETE FROM channel_failures WHERE at < now() - interval '1 day'`);
    }
    return probed;
  }

  /** What a probe (the half-open one, or an admin's channel test) says: success closes, a refused secret disables. */
  async applyProbe(channel: Channel, probe: ProbeResult): Promise<void> {
    if (probe.status === 401 || probe.status === 403) {
      await this.move(channel.id, {
        from: ['closed', 'open', 'half_open'],
        to: 'disabled',
        reason: `the upstream refused our secret (HTTP ${probe.status})`,
        set: 'enabled = false',
      });
    } else if (probe.authorized) {
      const closed = await this.move(channel.id, {
        from: ['open', 'half_open'],
        to: 'closed',
        reason: 'probe succeeded',
        set: 'failed_probes = 0, probe_at = NULL',
      });
      if (closed) await this.sql.query('DELETE FROM channel_failures WHERE channel_id = ?', [channel.id]);
    } else {
      await this.move(channel.id, {
        from: ['half_open'],
        to: 'open',
        reason: `probe failed: ${probe.message}`,
        set: `failed_probes = c.failed_probes + 1,
              probe_at = now() + make_interval(secs => least(${MAX_COOLDOWN_S}, c.breaker_cooldown_s * power(2, c.failed_probes + 1)))`,
      });
    }
  }

  /**
   * A channel's outcomes over the last hour (counted by whoever reads the tasks): below the alert threshold, with
   * enough tasks finished, the operator hears of it, at most once an hour per channel whichever instance checks.
   */
  async reportSuccessRate(channelId: number, succeeded: number, failed: number): Promise<boolean> {
    const { threshold, minTasks } = this.alerts.successRate;
    const finished = succeeded + failed;
    if (threshold <= 0 || finished < minTasks || succeeded / finished >= threshold) return false;
    const claimed = await this.claimHourlyAlert(channelId, 'rate_alert_at');
    if (!claimed) return false;
    const rate = Math.round((succeeded / finished) * 1000) / 1000;
    this.alerts.send({
      event: 'channel.success_rate_low',
      channel: { id: channelId, name: claimed.name },
      success_rate: rate,
      reason: `${succeeded} of ${finished} tasks succeeded in the last hour (${Math.round(rate * 100)}%, alert below ${Math.round(threshold * 100)}%)`,
      at: Math.floor(Date.now() / 1000),
    });
    return true;
  }

  /**
   * Alerts (at most once an hour per channel, across instances) when tasks have waited `waitS` seconds or more in the
   * gateway's queue for this channel: it has been full that long. Answers whether this call sent the alert.
   */
  async reportQueueWait(channelId: number, waitS: number): Promise<boolean> {
    const threshold = this.alerts.queueWaitS;
    if (threshold <= 0 || waitS < threshold) return false;
    const claimed = await this.claimHourlyAlert(channelId, 'queue_alert_at');
    if (!claimed) return false;
    this.alerts.send({
      event: 'channel.queue_wait_high',
      channel: { id: channelId, name: claimed.name },
      queue_wait_s: Math.floor(waitS),
      reason: `a task has waited ${Math.floor(waitS)} s in the gateway's queue for this channel (alert at ${threshold} s)`,
      at: Math.floor(Date.now() / 1000),
    });
    return true;
  }

  /**
   * Claims this hour's alert of one kind for a channel (its timestamp column moves to now), so whichever instance checks
   * first sends it and the others do not; null when it went out within the hour or the channel is gone.
   */
  private async claimHourlyAlert(channelId: number, column: 'rate_alert_at' | 'queue_alert_at'): Promise<{ name: string } | null> {
    const [claimed] = await this.sql.query<{ name: string }>(
      `UPDATE channels SET ${column} = now()
       WHERE id = ? AND deleted_at IS NULL AND (${column} IS NULL OR ${column} < now() - interval '1 hour')
       RETURNING name`,
      [channelId],
    );
    return claimed ?? null;
  }

  /** An admin switched the channel on or off: the state follows, with the event. */
  async adminSwitch(channelId: number, enabled: boolean): Promise<void> {
    await this.move(
      channelId,
      enabled
        ? {
            from: ['disabled', 'open', 'half_open'],
            to: 'closed',
            reason: 'enabled by an admin',
            set: 'failed_probes = 0, probe_at = NULL',
          }
        : { from: ['closed', 'open', 'half_open'], to: 'disabled', reason: 'disabled by an admin', set: 'enabled = false' },
    );
    if (enabled) await this.sql.query('DELETE FROM channel_failures WHERE channel_id = ?', [channelId]);
  }

  /**
   * Moves a channel between states in one statement, only from the states given (and `when`); writes the event and
   * tells the operator. Answers the state it left, or null when it was not in one of `from`.
   */
  private async move(channelId: number, transition: Transition): Promise<ChannelState | null> {
    const from = transition.from.map((state) => `'${state}'`).join(', ');
    const rows = await this.sql.query<{ from_state: ChannelState; name: string }>(
      `WITH old AS (
         SELECT c.id, c.state FROM channels c
         WHERE c.id = ? AND c.deleted_at IS NULL AND c.state IN (${from}) ${transition.when ? `AND (${transition.when})` : ''}
         FOR UPDATE
       ), moved AS (
         UPDATE channels c SET state = ?, state_reason = ?, state_since = now()${transition.set ? `, ${transition.set}` : ''}
         FROM old WHERE c.id = old.id
         RETURNING c.id, c.name, old.state AS from_state
       ), logged AS (
         INSERT INTO channel_events (channel_id, from_state, to_state, reason)
         SELECT id, from_state, ?, ? FROM moved
       )
       SELECT from_state, name FROM moved`,
      [channelId, transition.to, transition.reason, transition.to, transition.reason],
    );
    if (!rows.length) return null;
    const { from_state: left, name } = rows[0];
    this.channels.forgetEnabled();
    this.logger.warn(`channel ${channelId} (${name}): ${left} → ${transition.to}: ${transition.reason}`);
    this.alerts.transition({ id: channelId, name }, left, transition.to, transition.reason);
    return left;
  }
}

function describe(channel: Channel): string {
  return `channel ${channel.id} ${channel.state}${channel.stateReason ? `: ${channel.stateReason}` : ''}`;
}

function needText(need: TaskNeed): string {
  return `${need.action} in ${need.mode} mode${need.bot === 'niji' ? ' with the niji bot' : ''}`;
}
