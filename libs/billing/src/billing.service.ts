import { Injectable } from '@nestjs/common';
import { type BatchStatement, ConflictError, NotFoundError, Sql, type SqlRunner } from '@app/core';
import { ApiKeyQuotaExceededError, InsufficientQuotaError } from './billing.errors';
import { defaultPrice } from './prices';

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
  /** The action priced: an admin's price if set, else the default. */
  action: string;
  reason: string;
  /** Speed mode: its price for the action when an admin set one, else the action's. */
  mode?: string;
}

/** How a held amount goes back: `release` when the upstream refused the task, `refund` when it failed later. */
export type GiveBackKind = 'release' | 'refund';

export interface GiveBack {
  taskId: number;
  /** The key the task was submitted with (0: none): its spending goes back too. */
  apiKeyId: number;
  kind: GiveBackKind;
  reason: string;
}

/**
 * The only code that moves quota. Every move changes the balance and writes its ledger row in the caller's
 * transaction (`tx`, a runner on it); the ledger's unique indexes make a second capture or give-back of the same
 * task a no-op. Billing knows tasks by id only: the task row is its owner's to write.
 */
@Injectable()
export class BillingService {
  constructor(private readonly sql: Sql) {}

  /**
   * Debits the action's price before the upstream call (the price, the balance, the key's spending and the ledger row,
   * in the `quota_hold` function), so the rows it locks are held for as short a time as possible; refused (402) if
   * the balance or the key's cap does not allow it, and then the caller's transaction rolls back whatever it wrote.
   * Answers the amount held (0 for a free action, which holds nothing).
   */
  async hold(tx: SqlRunner, hold: Hold): Promise<number> {
    // The task id goes last: the statement names its arguments.
    const statement = this.holdStatement('?::int', hold);
    try {
      const [row] = await tx.query<{ amount: string }>(statement.sql, [...statement.params, hold.taskId]);
      return Number(row.amount);
    } catch (error) {
      throw this.refusalOf(error);
    }
  }

  /**
   * The hold as a statement for `Sql.batch`, after the statement that creates the task (`taskId`: the SQL expression
   * for its id): one round trip for both. A refusal fails the batch: pass its error through `refusalOf`.
   */
  holdStatement(taskId: string, hold: Omit<Hold, 'taskId'>): BatchStatement {
    return {
      sql: `SELECT quota_hold(p_user_id => ?::int, p_api_key_id => ?::int, p_action => ?::text, p_default => ?::bigint,
        p_reason => ?::text, p_mode => ?::text, p_task_id => ${taskId}) AS amount`,
      params: [hold.userId, hold.apiKeyId ?? 0, hold.action, defaultPrice(hold.action), hold.reason, hold.mode ?? ''],
    };
  }

  /** The 402 a refused hold means, or the error itself. */
  refusalOf(error: unknown): unknown {
    const { code, detail } = (error ?? {}) as { code?: string; detail?: string };
    const [needed, balance] = String(detail ?? '')
      .split(',')
      .map(Number);
    if (code === 'QH001') return new InsufficientQuotaError(needed, balance);
    if (code === 'QH002') return new ApiKeyQuotaExceededError(needed);
    return error;
  }

  /**
   * The upstream accepted the task: what is held becomes its charge (a ledger mark; nothing moves). The owner's row is
   * locked, so the balance it records is not one another submit of theirs is changing.
   */
  async capture(tx: SqlRunner, taskId: number): Promise<void> {
    await tx.query(`SELECT ${this.captureCall('?::int')}`, [taskId]);
  }

  /** `capture` as an SQL expression, for the statement that records the acceptance. */
  captureCall(taskId: string): string {
    return `quota_capture(${taskId})`;
  }

  /**
   * Gives a task's held amount back, once: a second call (another poller, a replayed callback) finds the give-back
   * already written and changes nothing. Answers the amount given back now (0 if none). A MODAL task may hold twice
   * (its button, then its confirm); everything held goes back together.
   */
  async giveBack(tx: SqlRunner, giveBack: GiveBack): Promise<number> {
    // The owner's row locked, then the ledger row: ledger ids follow the order balances change in, and a concurrent
    // second give-back waits on that lock, then finds the row of the first (unique index) and does nothing.
    const [entry] = await tx.query<{ id: string; user_id: number; amount: string }>(
      `INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
       SELECT users.id, ?, ?, held.amount, 0, ?
       FROM (SELECT user_id, -sum(amount) AS amount FROM ledger_entries WHERE task_id = ? AND kind = 'hold' GROUP BY user_id) held
       JOIN users ON users.id = held.user_id
       FOR UPDATE OF users
       ON CONFLICT DO NOTHING RETURNING id, user_id, amount`,
      [giveBack.taskId, giveBack.kind, giveBack.reason, giveBack.taskId],
    );
    if (!entry) return 0;
    const amount = Number(entry.amount);
    await tx.query(
      `WITH credit AS (UPDATE users SET quota = quota + ? WHERE id = ? RETURNING quota),
       spent AS (UPDATE api_keys SET quota_used = GREATEST(quota_used - ?, 0) WHERE id = ?)
       UPDATE ledger_entries SET balance_after = (SELECT quota FROM credit) WHERE id = ?`,
      [amount, entry.user_id, amount, giveBack.apiKeyId, entry.id],
    );
    return amount;
  }

  /** An admin's adjustment of a balance by a signed amount; refused when the balance would go negative. */
  async adjust(adjustment: Adjustment): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ quota: string }>(
        `UPDATE users SET quota = quota + ?, updated_at = now()
         WHERE id = ? AND deleted_at IS NULL AND quota + ? >= 0 RETURNING quota`,
        [adjustment.amount, adjustment.userId, adjustment.amount],
      );
      if (!rows.length) {
        const exists = await tx.query<{ quota: string }>('SELECT quota FROM users WHERE id = ? AND deleted_at IS NULL', [
          adjustment.userId,
        ]);
        if (!exists.length) throw new NotFoundError(`User ${adjustment.userId} not found`);
        throw new ConflictError(`The balance of user ${adjustment.userId} (${exists[0].quota}) cannot go below 0`);
      }
      const balance = Number(rows[0].quota);
      await tx.query(
        `INSERT INTO ledger_entries (user_id, kind, amount, balance_after, reason, actor_id) VALUES (?, 'adjustment', ?, ?, ?, ?)`,
        [adjustment.userId, adjustment.amount, balance, adjustment.reason, adjustment.actorId ?? null],
      );
      return balance;
    });
  }
}
