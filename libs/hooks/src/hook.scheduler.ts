import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TaskEvents } from '@app/core';
import { hooksConfig } from './config/hooks.config';
import { HookEventsRepository } from './hook-events.repository';
import { HookSender } from './hook-sender.service';

const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 10_000;

/** Only schedules: the sender looks for due events on every task change (here or on another instance) and per interval. */
@Injectable()
export class HookScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Hooks');
  private timer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly sender: HookSender,
    private readonly events: TaskEvents,
    private readonly log: HookEventsRepository,
    @Inject(hooksConfig.KEY) private readonly config: ConfigType<typeof hooksConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) {
      this.logger.log('callback senders are off (HOOKS_ENABLED=false)');
      return;
    }
    this.timer = setInterval(() => this.sender.kick(), this.config.sendIntervalMs);
    this.unsubscribe = this.events.subscribe(() => this.sender.kick());
    this.sender.kick();
    if (this.config.retentionMs) this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    this.unsubscribe?.();
    await this.sender.stop();
  }

  /** Drops finished deliveries past HOOK_RETENTION_DAYS, a batch at a time (idempotent: any instance may run it). */
  private async prune(): Promise<void> {
    try {
      let dropped = 0;
      let batch: number;
      do {
        batch = await this.log.prune(Date.now() - this.config.retentionMs, PRUNE_BATCH);
        dropped += batch;
      } while (batch === PRUNE_BATCH);
      if (dropped) this.logger.log(`dropped ${dropped} callback deliveries older than the retention`);
    } catch (error) {
      this.logger.warn(`pruning callback deliveries failed: ${(error as Error).message}`);
    }
  }
}
