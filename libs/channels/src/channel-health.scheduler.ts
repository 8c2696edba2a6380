import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { CreateRequestContext, MikroORM } from '@mikro-orm/core';
import { ChannelHealth } from './channel-health.service';
import { channelsConfig } from './config/channels.config';

/** Only schedules the half-open probes: one pass per interval, never two at once, off when CHANNEL_HEALTH_ENABLED=false. */
@Injectable()
export class ChannelHealthScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChannelHealth');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    readonly orm: MikroORM,
    private readonly health: ChannelHealth,
    @Inject(channelsConfig.KEY) private readonly config: ConfigType<typeof channelsConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.healthEnabled) return;
    this.timer = setInterval(() => this.tick(), this.config.healthIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  tick(): void {
    if (this.running) return;
    this.running = this.pass()
      .then((probed) => probed && this.logger.log(`probed ${probed} channel(s)`))
      .catch((error: Error) => this.logger.error(`probe pass failed: ${error.message}`))
      .finally(() => (this.running = null));
  }

  @CreateRequestContext()
  private pass(): Promise<number> {
    return this.health.probeDue();
  }
}
