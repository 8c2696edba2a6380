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

  /**
   * Debits the price before the upstream call, in one statement (the balance, the key's spending and the ledger
   * row) so the rows it locks are held for as short a time as possible; refused (402) if the balance or the
   * key's cap does not allow it, and then the caller's transaction rolls back whatever it wrote.
   */
  async hold(tx: EntityManager, hold: Hold): Promise<void> {
    if (hold.amount <= 0) return;
    const [result] = await exec<{ balance: string | null; key_ok: string; before: string }>(
      tx,
      `WITH debit AS (UPDATE users SET quota = quota - ? WHERE id = ? AND quota >= ? RETURNING quota),
       spent AS (UPDATE api_keys SET quota_used = quota_used + ?
                 WHERE id = ? AND (quota_limit IS NULL OR quota_used + ? <= quota_limit) AND EXISTS (SELECT 1 FROM debit) RETURNING id),
       entry AS (INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
                 SELECT ?, ?, 'hold', ?, quota, ? FROM debit RETURNING id)
       SELECT (SELECT quota FROM debit) AS balance, (SELECT count(*) FROM spent) AS key_ok,
              (SELECT quota FROM users WHERE id = ?) AS before`,
      [hold.amount, hold.userId, hold.amount, hold.amount, hold.apiKeyId ?? 0, hold.amount,
        hold.userId, hold.taskId, -hold.amount, hold.reason, hold.userId],
    );
    if (result.balance === null) throw new InsufficientQuotaError(hold.amount, Number(result.before ?? 0));
    if (hold.apiKeyId && Number(result.key_ok) === 0) throw new ApiKeyQuotaExceededError(hold.amount);
  }

  /** The upstream accepted the task: what is held becomes its charge, shown in the task's `quota`. */
  async capture(tx: EntityManager, taskId: number): Promise<number> {
    const rows = await exec<{ amount: string }>(
      tx,
      `WITH held AS (SELECT user_id, -sum(amount) AS amount FROM ledger_entries WHERE task_id = ? AND kind = 'hold' GROUP BY user_id),
       entry AS (INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
                 SELECT held.user_id, ?, 'capture', 0, users.quota, 'accepted by the upstream' FROM held JOIN users ON users.id = held.user_id
                 ON CONFLICT DO NOTHING),
       charged AS (UPDATE tasks SET quota = held.amount FROM held WHERE tasks.id = ?)
       SELECT amount FROM held`,
      [taskId, taskId, taskId],
    );
    return rows.length ? Number(rows[0].amount) : 0;
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
