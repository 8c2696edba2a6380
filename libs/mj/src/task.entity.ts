import { BigIntType, OptionalProps, Entity, EntityRepositoryType, PrimaryKey, Property } from '@mikro-orm/core';
import type { TaskAction, TaskStatus } from '@app/mj-protocol';
import { TaskRepository } from './task.repository';

export interface TaskButton {
  customId: string;
  emoji: string;
  label: string;
  type: number;
  style: number;
}

/** A Midjourney task as the gateway keeps it. Times are epoch ms on the gateway's clock, 0 when not reached. */
@Entity({ tableName: 'tasks', repository: () => TaskRepository })
export class Task {
  [EntityRepositoryType]?: TaskRepository;
  [OptionalProps]?:
    | 'channelId'
    | 'apiKeyId'
    | 'parentId'
    | 'mjId'
    | 'upstreamId'
    | 'queued'
    | 'dispatchedAt'
    | 'status'
    | 'mode'
    | 'progress'
    | 'prompt'
    | 'promptEn'
    | 'description'
    | 'state'
    | 'submitCode'
    | 'imageUrl'
    | 'imageUrls'
    | 'videoUrl'
    | 'videoUrls'
    | 'buttons'
    | 'properties'
    | 'failReason'
    | 'quota'
    | 'startTime'
    | 'finishTime'
    | 'deadlineAt'
    | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property()
  userId!: number;

  @Property()
  channelId = 0;

  @Property()
  apiKeyId = 0;

  /** The local task a follow-up (U1, V2, modal…) was made from. */
  @Property()
  parentId = 0;

  /** The gateway's own id (a string of digits below 2^53): the only id clients ever see. */
  @Property({ length: 64 })
  mjId = '';

  /** The upstream's id of this task, '' until an upstream accepted it. Internal: admins may see it, clients never. */
  @Property({ length: 64 })
  upstreamId = '';

  /** Waiting in the gateway's queue: held, not yet sent upstream. */
  @Property()
  queued = false;

  /** When the dispatcher sent it upstream (0: sent at submit, or not yet). */
  @Property({ type: new BigIntType('number') })
  dispatchedAt = 0;

  @Property({ length: 32 })
  action!: TaskAction;

  @Property({ length: 16 })
  status: TaskStatus = 'NOT_START';

  /** Speed mode: fast, relax or turbo. */
  @Property({ length: 8 })
  mode = 'fast';

  @Property({ length: 32 })
  progress = '';

  @Property({ type: 'text' })
  prompt = '';

  @Property({ type: 'text' })
  promptEn = '';

  @Property({ type: 'text' })
  description = '';

  @Property({ type: 'text' })
  state = '';

  @Property()
  submitCode = 0;

  @Property({ type: 'text' })
  imageUrl = '';

  @Property({ type: 'json' })
  imageUrls: string[] = [];

  @Property({ type: 'text' })
  videoUrl = '';

  @Property({ type: 'json' })
  videoUrls: string[] = [];

  @Property({ type: 'json' })
  buttons: TaskButton[] = [];

  @Property({ type: 'json' })
  properties: Record<string, unknown> = {};

  @Property({ type: 'text' })
  failReason = '';

  /** Quota charged for this task and not refunded. */
  @Property({ type: new BigIntType('number') })
  quota = 0;

  @Property({ type: new BigIntType('number') })
  submitTime!: number;

  @Property({ type: new BigIntType('number') })
  startTime = 0;

  @Property({ type: new BigIntType('number') })
  finishTime = 0;

  @Property({ type: new BigIntType('number') })
  deadlineAt = 0;

  @Property({ type: new BigIntType('number'), onUpdate: () => Date.now() })
  updatedAt: number = Date.now();

  /**
   * What durable media links are signed over: this task's link epoch plus its owner's (the task store reads both;
   * null when the owner is gone). Not an ORM property: only the store's reads fill it.
   */
  linkEpoch?: number | null;
}
