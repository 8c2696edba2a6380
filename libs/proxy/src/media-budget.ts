import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { proxyConfig } from './config/proxy.config';
import { MediaRepository } from './media.repository';
import { MediaStore } from './media-store/media-store';

/**
 * Keeps the store within MEDIA_STORE_MAX_MB. Thumbnails go first (they are remade from the original on demand), then
 * the oldest originals, which are served from the upstream again: thumbnails can never push an original out.
 */
@Injectable()
export class MediaStoreBudget {
  private readonly logger = new Logger('MediaStore');
  private running: Promise<void> | null = null;

  constructor(
    private readonly repository: MediaRepository,
    private readonly store: MediaStore,
    @Inject(proxyConfig.KEY) private readonly config: ConfigType<typeof proxyConfig>,
  ) {}

  /** One pass at a time per instance; a call during a pass waits for it. */
  enforce(): Promise<void> {
    this.running ??= this.evict().finally(() => (this.running = null));
    return this.running;
  }

  private async evict(): Promise<void> {
    const budget = this.config.storeMaxBytes;
    if (!budget) return;
    let evicted = 0;
    // One object at a time: a copy or a thumbnail overflows the budget by a handful of objects at most.
    while ((await this.repository.storedBytes()) > budget) {
      const [oldest] = await this.repository.evictOldest(1);
      if (!oldest) break;
      evicted += 1;
      if (await this.repository.keyInUse(oldest.key)) continue;
      await this.store.delete(oldest.key).catch((error: Error) => this.logger.warn(`could not delete ${oldest.key}: ${error.message}`));
    }
    if (evicted) this.logger.log(`evicted ${evicted} object(s) to stay within MEDIA_STORE_MAX_MB`);
  }
}
