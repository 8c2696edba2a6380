import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CreateRequestContext, MikroORM } from '@mikro-orm/core';
import { ChannelAlerts, ChannelHealth, ChannelRepository } from '@app/channels';
import { TaskRepository, TaskStore } from '@app/mj';

const HOUR_MS = 3_600_000;

/**
 * Only schedules: every ALERT_CHECK_INTERVAL_MS, each channel's success rate over the last hour (the same statement
 * as the dashboard's figures) and how long its longest-waiting queued task has waited (its own queue, or the queue
 * for any channel, which waits for every channel) are handed to the channel's health, which alerts past the
 * thresholds. Off when ALERT_SUCCESS_RATE and ALERT_QUEUE_WAIT_S are both 0.
 */
@Injectable()
export class ChannelWatchScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChannelWatch');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    readonly orm: MikroORM,
    private readonly tasks: TaskRepository,
    private readonly store: TaskStore,
    private readonly channels: ChannelRepository,
    private readonly health: ChannelHealth,
    private readonly alerts: ChannelAlerts,
  ) {}

  onApplicationBootstrap(): void {
    const { threshold, intervalMs } = this.alerts.successRate;
    if (threshold <= 0 && this.alerts.queueWaitS <= 0) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  tick(): void {
    if (this.running) return;
    this.running = this.pass()
      .catch((error: Error) => this.logger.error(`channel watch failed: ${error.message}`))
      .finally(() => (this.running = null));
  }

  @CreateRequestContext()
  private async pass(): Promise<void> {
    if (this.alerts.successRate.threshold > 0) {
      for (const row of await this.tasks.channelOutcomes(Date.now() - HOUR_MS)) {
        await this.health.reportSuccessRate(row.channel_id, row.succeeded, row.failed);
      }
    }
    if (this.alerts.queueWaitS > 0) await this.queueWaits();
  }

  private async queueWaits(): Promise<void> {
    const oldest = new Map((await this.store.oldestQueued()).map((row) => [row.channelId, row.since]));
    if (!oldest.size) return;
    const now = Date.now();
    for (const channel of await this.channels.findEnabledCached()) {
      const since = Math.min(oldest.get(channel.id) ?? Infinity, oldest.get(0) ?? Infinity);
      if (since !== Infinity) await this.health.reportQueueWait(channel.id, (now - since) / 1000);
    }
  }
}
