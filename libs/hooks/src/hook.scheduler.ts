import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TaskEvents } from '@app/core';
import { hooksConfig } from './config/hooks.config';
import { HookSender } from './hook-sender.service';

/** Only schedules: the sender looks for due events on every task change (here or on another instance) and per interval. */
@Injectable()
export class HookScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Hooks');
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly sender: HookSender,
    private readonly events: TaskEvents,
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
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.sender.stop();
  }
}
