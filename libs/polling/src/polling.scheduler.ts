import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CreateRequestContext, MikroORM } from '@mikro-orm/core';
import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { pollingConfig } from './config/polling.config';
import { PollingService } from './polling.service';

/** Only schedules: one pass per interval, never two at once, off when POLLING_ENABLED=false. */
@Injectable()
export class PollingScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Polling');
  private running: Promise<unknown> | null = null;

  constructor(
    readonly orm: MikroORM,
    private readonly polling: PollingService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(pollingConfig.KEY) private readonly config: ConfigType<typeof pollingConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) {
      this.logger.log('polling is off (POLLING_ENABLED=false)');
      return;
    }
    this.scheduler.addInterval(
      'mj-poll',
      setInterval(() => this.tick(), this.config.intervalMs),
    );
  }

  /** Before the database connections close: the pass in flight finishes, and the buckets are handed back. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.scheduler.doesExist('interval', 'mj-poll')) return;
    this.scheduler.deleteInterval('mj-poll');
    await this.running;
    await this.polling.release().catch((error: Error) => this.logger.warn(`releasing the poll buckets failed: ${error.message}`));
  }

  tick(): void {
    if (this.running) return;
    this.running = this.pass()
      .catch((error: Error) => this.logger.error(`polling pass failed: ${error.message}`))
      .finally(() => (this.running = null));
  }

  @CreateRequestContext()
  private pass() {
    return this.polling.pass();
  }
}
