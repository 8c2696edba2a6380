import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CreateRequestContext, MikroORM } from '@mikro-orm/core';
import { ChannelAlerts, ChannelHealth } from '@app/channels';
import { TaskRepository } from '@app/mj';

const HOUR_MS = 3_600_000;

/**
 * Only schedules: every ALERT_CHECK_INTERVAL_MS, each channel's success rate over the last hour (the same statement
 * as the dashboard's figures) is handed to the channel's health, which alerts below the threshold. Off when
 * ALERT_SUCCESS_RATE is 0.
 */
@Injectable()
export class ChannelWatchScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChannelWatch');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    readonly orm: MikroORM,
    private readonly tasks: TaskRepository,
    private readonly health: ChannelHealth,
    private readonly alerts: ChannelAlerts,
  ) {}

  onApplicationBootstrap(): void {
    const { threshold, intervalMs } = this.alerts.successRate;
    if (threshold <= 0) return;
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
      .catch((error: Error) => this.logger.error(`success-rate check failed: ${error.message}`))
      .finally(() => (this.running = null));
  }

  @CreateRequestContext()
  private async pass(): Promise<void> {
    for (const row of await this.tasks.channelOutcomes(Date.now() - HOUR_MS)) {
      await this.health.reportSuccessRate(row.channel_id, row.succeeded, row.failed);
    }
  }
}
