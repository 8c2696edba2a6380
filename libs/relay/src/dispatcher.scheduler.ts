import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CreateRequestContext, MikroORM } from '@mikro-orm/core';
import { TaskEvents } from '@app/core';
import { relayConfig } from './config/relay.config';
import { DispatcherService } from './dispatcher.service';

/**
 * Only schedules: a dispatch pass per interval, and one soon after a task finishes (here or on another instance),
 * never two at once; off when DISPATCH_ENABLED=false.
 */
@Injectable()
export class DispatcherScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dispatcher');
  private running: Promise<unknown> | null = null;
  private again = false;
  private unsubscribe?: () => void;

  constructor(
    readonly orm: MikroORM,
    private readonly dispatcher: DispatcherService,
    private readonly scheduler: SchedulerRegistry,
    private readonly events: TaskEvents,
    @Inject(relayConfig.KEY) private readonly config: ConfigType<typeof relayConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.dispatchEnabled) {
      this.logger.log('the dispatcher is off (DISPATCH_ENABLED=false)');
      return;
    }
    this.scheduler.addInterval(
      'mj-dispatch',
      setInterval(() => this.tick(), this.config.dispatchIntervalMs),
    );
    // A finished task frees room on its channel: look at once rather than at the next interval.
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.status === 'SUCCESS' || event.status === 'FAILURE' || event.status === 'CANCEL') this.tick();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    if (this.scheduler.doesExist('interval', 'mj-dispatch')) this.scheduler.deleteInterval('mj-dispatch');
    this.again = false;
    await this.running;
  }

  tick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.pass()
      .catch((error: Error) => this.logger.error(`dispatch pass failed: ${error.message}`))
      .finally(() => {
        this.running = null;
        if (this.again && this.scheduler.doesExist('interval', 'mj-dispatch')) setImmediate(() => this.tick());
      });
  }

  @CreateRequestContext()
  private pass() {
    return this.dispatcher.pass();
  }
}
