import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError } from '@app/core';
import { LedgerEntry } from './ledger-entry.entity';

export interface Adjustment {
  userId: number;
  amount: number;
  reason: string;
  actorId?: number;
}

/** The only code that moves quota: each move changes the balance and writes its ledger row in one transaction. */
@Injectable()
export class BillingService {
  constructor(private readonly em: EntityManager) {}

  /** An admin's adjustment of a balance by a signed amount; refused when the balance would go negative. */
  async adjust(adjustment: Adjustment, em: EntityManager = this.em): Promise<number> {
    return em.transactional(async (tx) => {
      const rows = await tx.getConnection().execute<{ quota: string }[]>(
        `UPDATE users SET quota = quota + ?, updated_at = now()
         WHERE id = ? AND deleted_at IS NULL AND quota + ? >= 0 RETURNING quota`,
        [adjustment.amount, adjustment.userId, adjustment.amount],
        'all',
        tx.getTransactionContext(),
      );
      if (rows.length === 0) {
        const exists = await tx.getConnection().execute<{ quota: string }[]>(
          'SELECT quota FROM users WHERE id = ? AND deleted_at IS NULL',
          [adjustment.userId],
          'all',
          tx.getTransactionContext(),
        );
        if (exists.length === 0) throw new NotFoundError(`User ${adjustment.userId} not found`);
        throw new ConflictError(`The balance of user ${adjustment.userId} (${exists[0].quota}) cannot go below 0`);
      }
      const balance = Number(rows[0].quota);
      tx.persist(
        tx.create(LedgerEntry, {
          userId: adjustment.userId,
          kind: 'adjustment',
          amount: adjustment.amount,
          balanceAfter: balance,
          reason: adjustment.reason,
          actorId: adjustment.actorId,
        }),
      );
      await tx.flush();
      return balance;
    });
  }
}
