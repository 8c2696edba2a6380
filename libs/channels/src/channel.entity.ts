import { Entity, EntityRepositoryType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { ChannelRepository } from './channel.repository';

/** A midjourney-proxy upstream. Its secret is sent as `mj-api-secret` and never returned by the API. */
@Entity({ tableName: 'channels', repository: () => ChannelRepository })
export class Channel {
  [EntityRepositoryType]?: ChannelRepository;
  [OptionalProps]?:
    'type' | 'secret' | 'enabled' | 'priority' | 'weight' | 'notifyEnabled' | 'maxRunning' | 'maxQueued' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64 })
  name!: string;

  @Property({ type: 'text' })
  baseUrl!: string;

  /** The upstream kind that serves this channel: `midjourney-proxy` (built in) or one a module registers. */
  @Property({ length: 64 })
  type = 'midjourney-proxy';

  @Property({ type: 'text', hidden: true })
  secret = '';

  @Property()
  enabled = true;

  /** Higher first; among equals, traffic is split by weight. */
  @Property()
  priority = 0;

  @Property()
  weight = 1;

  /** Pass the upstream our own notifyHook so results arrive before the next poll. */
  @Property()
  notifyEnabled = false;

  /** Tasks the upstream runs at once (midjourney-proxy's coreSize, default 3). */
  @Property()
  maxRunning = 3;

  /** Tasks the upstream queues behind those (its queueSize, default 10); past both, the gateway queues them itself. */
  @Property()
  maxQueued = 10;

  @Property()
  createdAt: Date = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ nullable: true })
  deletedAt?: Date;
}
