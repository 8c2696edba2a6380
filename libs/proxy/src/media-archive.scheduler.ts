import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TaskEvents } from '@app/core';
import { proxyConfig } from './config/proxy.config';
import { MediaArchiveService } from './media-archive.service';

const INTERVAL = 'media-archive';

/** Only schedules: a copy as soon as a task reports SUCCESS, and a sweep per interval for anything missed. */
@Injectable()
export class MediaArchiveScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MediaArchive');
  private sweeping: Promise<unknown> | null = null;
  private unsubscribe?: () => void;

  constructor(
    private readonly archive: MediaArchiveService,
    private readonly events: TaskEvents,
    private readonly scheduler: SchedulerRegistry,
    @Inject(proxyConfig.KEY) private readonly config: ConfigType<typeof proxyConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.archive.enabled) {
      this.logger.log('copying results into the media store is off (MEDIA_ARCHIVE_ENABLED=false or MEDIA_STORE=off)');
      return;
    }
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.status !== 'SUCCESS') return;
      this.archive
        .copyNow(event.id)
        .catch((error: Error) => this.logger.warn(`copy of task ${event.id} failed to start: ${error.message}`));
    });
    this.scheduler.addInterval(
      INTERVAL,
      setInterval(() => this.tick(), this.config.archive.intervalMs),
    );
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    if (this.scheduler.doesExist('interval', INTERVAL)) this.scheduler.deleteInterval(INTERVAL);
    await this.archive.stop();
    await this.sweeping;
  }

  tick(): void {
    if (this.sweeping) return;
    this.sweeping = this.archive
      .sweep()
      .then((claimed) => claimed && this.logger.debug(`sweep: ${claimed} copy(ies) done`))
      .catch((error: Error) => this.logger.warn(`media sweep failed: ${error.message}`))
      .finally(() => (this.sweeping = null));
  }
}
