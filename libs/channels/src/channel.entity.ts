import { Entity, EntityRepositoryType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { StoredCapabilities } from './capabilities';
import { ChannelRepository } from './channel.repository';

/** The breaker's states, plus `disabled` (by an admin, or by an upstream that refused our secret). */
export const CHANNEL_STATES = ['closed', 'open', 'half_open', 'disabled'] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

/** A midjourney-proxy upstream. Its secret is sent as `mj-api-secret` and never returned by the API. */
@Entity({ tableName: 'channels', repository: () => ChannelRepository })
export class Channel {
  [EntityRepositoryType]?: ChannelRepository;
  [OptionalProps]?:
    | 'type'
    | 'secret'
    | 'enabled'
    | 'priority'
    | 'weight'
    | 'notifyEnabled'
    | 'createdAt'
    | 'updatedAt'
    | 'state'
    | 'stateReason'
    | 'stateSince'
    | 'breakerFailures'
    | 'breakerWindowS'
    | 'breakerCooldownS'
    | 'capabilities'
    | 'minGapMs'
    | 'gapJitterMs'
    | 'dailyCap'
    | 'maxRunning'
    | 'maxQueued';

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

  /** The breaker (written by ChannelHealth in single statements, so every instance sees one state). */
  @Property({ length: 16 })
  state: ChannelState = 'closed';

  @Property({ type: 'text' })
  stateReason = '';

  @Property()
  stateSince: Date = new Date();

  /** Failures within `breakerWindowS` seconds that open the breaker. */
  @Property()
  breakerFailures = 5;

  @Property({ fieldName: 'breaker_window_s' })
  breakerWindowS = 60;

  /** Seconds open before the first probe; doubled by each failed probe, up to an hour. */
  @Property({ fieldName: 'breaker_cooldown_s' })
  breakerCooldownS = 120;

  @Property({ type: 'json' })
  capabilities: StoredCapabilities = {};

  /** Pacing: the least time between two submits, plus up to `gapJitterMs` at random. */
  @Property()
  minGapMs = 0;

  @Property()
  gapJitterMs = 0;

  /** Most submits per UTC day; 0 means no cap. */
  @Property()
  dailyCap = 0;
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
