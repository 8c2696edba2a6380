import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError } from '@app/core';
import { ApiKeyQuotaExceededError, InsufficientQuotaError } from './billing.errors';
import { exec } from './ledger';
import { DEFAULT_PRICES, FALLBACK_ACTION } from './prices';

export interface Adjustment {
  userId: number;
  amount: number;
  reason: string;
  actorId?: number;
}

export interface Hold {
  userId: number;
  apiKeyId?: number;
  taskId: number;
  amount: number;
  reason: string;
}

/** How a held amount goes back: `release` when the upstream refused the task, `refund` when it failed later. */
export type GiveBackKind = 'release' | 'refund';

/**
 * The only code that moves quota. Every move changes the balance and writes its ledger row in the caller's
 * transaction; the ledger's unique indexes make a second capture or give-back of the same task a no-op.
 */
@Injectable()
export class BillingService {
  constructor(private readonly em: EntityManager) {}

  /** The price of an action: an admin's price if set, else the default. */
  async priceOf(action: string, em: EntityManager = this.em): Promise<number> {
    const rows = await exec<{ quota: string }>(em, 'SELECT quota FROM prices WHERE action = ?', [action]);
    if (rows.length) return Number(rows[0].quota);
    return DEFAULT_PRICES[action] ?? DEFAULT_PRICES[FALLBACK_ACTION];
  }

  /** Debits the price before the upstream call; refused (402) if the balance or the key's cap does not allow it. */
  async hold(tx: EntityManager, hold: Hold): Promise<void> {
    if (hold.amount <= 0) return;
    const debited = await exec<{ quota: string }>(
      tx,
      'UPDATE users SET quota = quota - ? WHERE id = ? AND quota >= ? RETURNING quota',
      [hold.amount, hold.userId, hold.amount],
    );
    if (!debited.length) {
      const balance = await exec<{ quota: string }>(tx, 'SELECT quota FROM users WHERE id = ?', [hold.userId]);
      throw new InsufficientQuotaError(hold.amount, Number(balance[0]?.quota ?? 0));
    }
    if (hold.apiKeyId) {
      const allowed = await exec(
        tx,
        `UPDATE api_keys SET quota_used = quota_used + ?
         WHERE id = ? AND (quota_limit IS NULL OR quota_used + ? <= quota_limit) RETURNING id`,
        [hold.amount, hold.apiKeyId, hold.amount],
      );
      if (!allowed.length) throw new ApiKeyQuotaExceededError(hold.amount);
    }
    await exec(
      tx,
      `INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason) VALUES (?, ?, 'hold', ?, ?, ?)`,
      [hold.userId, hold.taskId, -hold.amount, Number(debited[0].quota), hold.reason],
    );
  }

  /** The upstream accepted the task: what is held becomes its charge, shown in the task's `quota`. */
  async capture(tx: EntityManager, taskId: number): Promise<number> {
    const held = await this.heldFor(tx, taskId);
    if (!held) return 0;
    await exec(
      tx,
      `INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
       SELECT ?, ?, 'capture', 0, quota, 'accepted by the upstream' FROM users WHERE id = ?
       ON CONFLICT DO NOTHING`,
      [held.userId, taskId, held.userId],
    );
    await exec(tx, 'UPDATE tasks SET quota = ? WHERE id = ?', [held.amount, taskId]);
    return held.amount;
  }

  /**
   * Gives a task's held amount back, once: a second call (another poller, a replayed callback) finds the
   * give-back already written and changes nothing. Answers the amount given back now (0 if none).
   */
  async giveBack(tx: EntityManager, taskId: number, kind: GiveBackKind, reason: string): Promise<number> {
    const held = await this.heldFor(tx, taskId);
    if (!held) return 0;
    const entry = await exec<{ id: string }>(
      tx,
      `INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
       VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING RETURNING id`,
      [held.userId, taskId, kind, held.amount, reason],
    );
    if (!entry.length) return 0;
    const credited = await exec<{ quota: string }>(tx, 'UPDATE users SET quota = quota + ? WHERE id = ? RETURNING quota', [
      held.amount,
      held.userId,
    ]);
    await exec(tx, 'UPDATE ledger_entries SET balance_after = ? WHERE id = ?', [Number(credited[0].quota), entry[0].id]);
    await exec(
      tx,
      `UPDATE api_keys SET quota_used = GREATEST(quota_used - ?, 0) WHERE id = (SELECT api_key_id FROM tasks WHERE id = ?)`,
      [held.amount, taskId],
    );
    await exec(tx, 'UPDATE tasks SET quota = 0 WHERE id = ?', [taskId]);
    return held.amount;
  }

  /** An admin's adjustment of a balance by a signed amount; refused when the balance would go negative. */
  async adjust(adjustment: Adjustment): Promise<number> {
    return this.em.transactional(async (tx) => {
      const rows = await exec<{ quota: string }>(
        tx,
        `UPDATE users SET quota = quota + ?, updated_at = now()
         WHERE id = ? AND deleted_at IS NULL AND quota + ? >= 0 RETURNING quota`,
        [adjustment.amount, adjustment.userId, adjustment.amount],
      );
      if (!rows.length) {
        const exists = await exec<{ quota: string }>(tx, 'SELECT quota FROM users WHERE id = ? AND deleted_at IS NULL', [
          adjustment.userId,
        ]);
        if (!exists.length) throw new NotFoundError(`User ${adjustment.userId} not found`);
        throw new ConflictError(`The balance of user ${adjustment.userId} (${exists[0].quota}) cannot go below 0`);
      }
      const balance = Number(rows[0].quota);
      await exec(
        tx,
        `INSERT INTO ledger_entries (user_id, kind, amount, balance_after, reason, actor_id) VALUES (?, 'adjustment', ?, ?, ?, ?)`,
        [adjustment.userId, adjustment.amount, balance, adjustment.reason, adjustment.actorId ?? null],
      );
      return balance;
    });
  }

  private async heldFor(tx: EntityManager, taskId: number): Promise<{ userId: number; amount: number } | null> {
    // A MODAL task may hold twice (its button, then its confirm); everything held goes back together.
    const rows = await exec<{ user_id: number; amount: string }>(
      tx,
      `SELECT user_id, -sum(amount) AS amount FROM ledger_entries WHERE task_id = ? AND kind = 'hold' GROUP BY user_id`,
      [taskId],
    );
    return rows.length ? { userId: rows[0].user_id, amount: Number(rows[0].amount) } : null;
  }
}
