import { BigIntType, OptionalProps, Entity, EntityRepositoryType, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { UserRepository } from './user.repository';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const USER_STATUSES = ['enabled', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

@Entity({ tableName: 'users', repository: () => UserRepository })
export class User {
  [EntityRepositoryType]?: UserRepository;
  [OptionalProps]?: 'role' | 'status' | 'quota' | 'tokenVersion' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64 })
  username!: string;

  @Property({ hidden: true, lazy: true })
  passwordHash!: string;

  @Enum({ items: () => ROLES })
  role: Role = 'user';

  @Enum({ items: () => USER_STATUSES })
  status: UserStatus = 'enabled';

  /** Balance in quota units (500,000 per USD by default); only the ledger changes it. */
  @Property({ type: new BigIntType('number') })
  quota = 0;

  /** Speed mode of this user's tasks when neither the route nor the key names one; null: the gateway's default. */
  @Property({ length: 8, nullable: true })
  defaultMode?: 'fast' | 'relax' | 'turbo' | null;
  /** Most unfinished (queued + running) tasks; null = QUEUE_USER_CAP. */
  @Property({ nullable: true })
  maxTasks?: number | null;

  /** Bumped on password change: tokens issued before stop working. */
  @Property()
  tokenVersion = 0;

  @Property()
  createdAt: Date = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ nullable: true })
  deletedAt?: Date;
}
