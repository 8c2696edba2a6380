import { BigIntType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** A user's key for the relay (`sk-…`). Only its SHA-256 is stored; the key itself is shown once. */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  [OptionalProps]?: 'quotaUsed' | 'createdAt' | 'hookUrl' | 'hookSecretVersion';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property()
  userId!: number;

  @Property({ length: 64 })
  name!: string;

  @Property({ length: 64, hidden: true })
  keyHash!: string;

  @Property({ length: 16 })
  keyPrefix!: string;

  @Property({ nullable: true })
  expiresAt?: Date;

  /** Most quota this key may spend; null = no cap beyond the user's balance. */
  @Property({ type: new BigIntType('number'), nullable: true })
  quotaLimit?: number | null;

  /** Speed mode of this key's tasks when the route names none; null: the user's. */
  @Property({ length: 8, nullable: true })
  defaultMode?: 'fast' | 'relax' | 'turbo' | null;

  @Property({ type: new BigIntType('number') })
  quotaUsed = 0;

  /** Most unfinished (queued + running) tasks through this key; null = QUEUE_KEY_CAP. */
  @Property({ nullable: true })
  maxTasks?: number | null;

  @Property({ nullable: true })
  lastUsedAt?: Date;

  @Property()
  createdAt: Date = new Date();

  @Property({ nullable: true })
  deletedAt?: Date;

  /** Where this key's tasks report when a submit names no notifyHook ('' = nowhere). */
  @Property({ type: 'text' })
  hookUrl = '';

  /** Bumped when the hook secret is rotated (the secret is derived from it, see hook-secret.ts). */
  @Property()
  hookSecretVersion = 0;
}
