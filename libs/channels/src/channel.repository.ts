import { EntityRepository } from '@mikro-orm/postgresql';
import type { Channel } from './channel.entity';

export class ChannelRepository extends EntityRepository<Channel> {
  findLive(id: number): Promise<Channel | null> {
    return this.findOne({ id, deletedAt: null });
  }

  /** Enabled channels, highest priority first. */
  findEnabled(): Promise<Channel[]> {
    return this.find({ enabled: true, deletedAt: null }, { orderBy: { priority: 'DESC', id: 'ASC' } });
  }

  findPage(offset: number, limit: number): Promise<[Channel[], number]> {
    return this.findAndCount({ deletedAt: null }, { orderBy: { priority: 'DESC', id: 'ASC' }, offset, limit });
  }
}
