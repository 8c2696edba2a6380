import { BigIntType, OptionalProps, Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export const LEDGER_KINDS = ['hold', 'capture', 'release', 'refund', 'adjustment'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** One movement of a user's quota; `amount` is signed (a debit is negative). */
@Entity({ tableName: 'ledger_entries' })
export class LedgerEntry {
  [OptionalProps]?: 'reason' | 'createdAt';
  @PrimaryKey({ type: new BigIntType('number') })
  id!: number;

  @Property()
  userId!: number;

  @Property({ nullable: true })
  taskId?: number;

  @Enum({ items: () => LEDGER_KINDS })
  kind!: LedgerKind;

  @Property({ type: new BigIntType('number') })
  amount!: number;

  @Property({ type: new BigIntType('number') })
  balanceAfter!: number;

  @Property()
  reason = '';

  @Property({ nullable: true })
  actorId?: number;

  @Property()
  createdAt: Date = new Date();
}
