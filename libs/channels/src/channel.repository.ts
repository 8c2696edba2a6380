import { EntityRepository } from '@mikro-orm/postgresql';
import type { Channel } from './channel.entity';

/** How long the relay's list of enabled channels is reused (other instances see an admin's change within it). */
const ENABLED_TTL_MS = 1000;

export class ChannelRepository extends EntityRepository<Channel> {
  private enabled?: { at: number; channels: Promise<Channel[]> };

  findLive(id: number): Promise<Channel | null> {
    return this.findOne({ id, deletedAt: null });
  }

  /** Enabled channels, highest priority first. */
  findEnabled(): Promise<Channel[]> {
    return this.find({ enabled: true, deletedAt: null }, { orderBy: { priority: 'DESC', id: 'ASC' } });
  }

  /**
   * `findEnabled` as of at most a second ago: the relay asks on every submit. A change made through this instance
   * applies at once (`forgetEnabled`).
   */
  findEnabledCached(now = Date.now()): Promise<Channel[]> {
    if (!this.enabled || now - this.enabled.at > ENABLED_TTL_MS) {
      const channels = this.findEnabled();
      const entry = { at: now, channels };
      this.enabled = entry;
      channels.catch(() => {
        if (this.enabled === entry) this.enabled = undefined;
      });
    }
    return this.enabled.channels;
  }

  forgetEnabled(): void {
    this.enabled = undefined;
  }

  findPage(offset: number, limit: number): Promise<[Channel[], number]> {
    return this.findAndCount({ deletedAt: null }, { orderBy: { priority: 'DESC', id: 'ASC' }, offset, limit });
  }
}
