import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { HttpStatus } from '@nestjs/common';
import { DomainError, ormOptions, Sql, type SqlRunner } from '@app/core';
import { createTestDatabase, type TestDatabase } from '../../../test/database';
import { BillingService, type GiveBackKind } from './billing.service';
import { ApiKeyQuotaExceededError, InsufficientQuotaError } from './billing.errors';

// BillingService on a real PostgreSQL database, read through what users see: balances, ledger rows and keys' spending.

let db: TestDatabase;
let orm: MikroORM;
let sql: Sql;
let billing: BillingService;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await MikroORM.init(ormOptions(db.url, 25));
  sql = new Sql(orm.em.fork() as EntityManager);
  billing = new BillingService(sql);
});

afterAll(async () => {
  await orm?.close();
  await db?.drop();
});

const PRICE = 50_000;

interface TestTask {
  id: number;
  userId: number;
  apiKeyId: number;
}

// ---- The calls the relay and the poller make. BillingService's signature changes here, and only here. ----

const inTransaction = <T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> => sql.transaction(work);

/** A submit's hold of its action's price, in its own transaction as the relay records a task: 'held', or the refusal's HTTP status. */
async function hold(task: TestTask, action = 'IMAGINE', tx?: SqlRunner): Promise<'held' | number> {
  const run = (t: SqlRunner) =>
    billing.hold(t, { userId: task.userId, apiKeyId: task.apiKeyId || undefined, taskId: task.id, action, reason: `${action} submitted` });
  try {
    await (tx ? run(tx) : inTransaction(run));
    return 'held';
  } catch (error) {
    if (error instanceof DomainError) return error.status;
    throw error;
  }
}

/** The upstream accepted the task. */
const capture = (task: TestTask) => inTransaction((t) => billing.capture(t, task.id));

/** The task's hold goes back (the upstream refused it, or it failed later); answers the amount given back now. */
const giveBack = (task: TestTask, kind: GiveBackKind = 'refund') =>
  inTransaction((t) => billing.giveBack(t, { taskId: task.id, apiKeyId: task.apiKeyId, kind, reason: `${kind} in a test` }));

/** An admin's price for an action (what the next hold of it takes). */
const setPrice = (action: string, quota: number) =>
  sql.query('INSERT INTO prices (action, quota) VALUES (?, ?) ON CONFLICT (action) DO UPDATE SET quota = EXCLUDED.quota', [action, quota]);

/** An admin's adjustment: the new balance, or the refusal's HTTP status. */
async function adjust(userId: number, amount: number, actorId = 1): Promise<number | { status: number; message: string }> {
  try {
    return await billing.adjust({ userId, amount, reason: `adjust ${amount}`, actorId });
  } catch (error) {
    if (error instanceof DomainError) return { status: error.status, message: error.message };
    throw error;
  }
}

// ---- Test data and what a user sees of it. ----

let serial = 0;

async function createUser(quota: number, deleted = false): Promise<number> {
  serial += 1;
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO users (username, password_hash, quota, deleted_at) VALUES (?, 'x', ?, ${deleted ? 'now()' : 'NULL'}) RETURNING id`,
    [`user${serial}`, quota],
  );
  return row.id;
}

async function createKey(userId: number, quotaLimit: number | null = null): Promise<number> {
  serial += 1;
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO api_keys (user_id, name, key_hash, key_prefix, quota_limit) VALUES (?, 'k', ?, 'sk-', ?) RETURNING id`,
    [userId, `${serial}`.padStart(64, '0'), quotaLimit],
  );
  return row.id;
}

async function createTask(userId: number, apiKeyId = 0): Promise<TestTask> {
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO tasks (user_id, api_key_id, action, submit_time) VALUES (?, ?, 'IMAGINE', ?) RETURNING id`,
    [userId, apiKeyId, Date.now()],
  );
  return { id: row.id, userId, apiKeyId };
}

const balance = async (userId: number) =>
  Number((await sql.query<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [userId]))[0].quota);
const keyUsed = async (keyId: number) =>
  Number((await sql.query<{ quota_used: string }>('SELECT quota_used FROM api_keys WHERE id = ?', [keyId]))[0].quota_used);

interface Entry {
  kind: string;
  amount: number;
  balanceAfter: number;
  taskId: number | null;
}

async function ledger(userId: number): Promise<Entry[]> {
  const rows = await sql.query<{ kind: string; amount: string; balance_after: string; task_id: number | null }>(
    'SELECT kind, amount, balance_after, task_id FROM ledger_entries WHERE user_id = ? ORDER BY id',
    [userId],
  );
  return rows.map((r) => ({ kind: r.kind, amount: Number(r.amount), balanceAfter: Number(r.balance_after), taskId: r.task_id }));
}

/** Each row's balance_after is the one before it plus its amount, and the last is the balance now. */
async function expectLedgerAddsUp(userId: number, startingBalance: number): Promise<void> {
  let running = startingBalance;
  const entries = await ledger(userId);
  for (const [i, entry] of entries.entries()) {
    running += entry.amount;
    expect({ row: i, kind: entry.kind, balanceAfter: entry.balanceAfter }).toEqual({ row: i, kind: entry.kind, balanceAfter: running });
  }
  expect(await balance(userId)).toBe(running);
}

const settled = <T>(promise: Promise<T>) => {
  const state = { done: false };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
};

/** Resolves once some statement on the test database waits for a row lock. */
async function someoneWaitsForALock(orDone: { done: boolean }): Promise<void> {
  for (;;) {
    const [row] = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(row.n) > 0 || orDone.done) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('BillingService on PostgreSQL', () => {
  describe('hold', () => {
    it("debits the balance and the key's spending, and writes the hold with the balance after it", async () => {
      const user = await createUser(120_000);
      const key = await createKey(user, 200_000);
      const task = await createTask(user, key);
      expect(await hold(task)).toBe('held');
      expect(await balance(user)).toBe(70_000);
      expect(await keyUsed(key)).toBe(PRICE);
      expect(await ledger(user)).toEqual([{ kind: 'hold', amount: -PRICE, balanceAfter: 70_000, taskId: task.id }]);
    });

    it('may spend the balance down to exactly 0', async () => {
      const user = await createUser(PRICE);
      expect(await hold(await createTask(user))).toBe('held');
      expect(await balance(user)).toBe(0);
    });

    it('refuses with 402 beyond the balance, naming the price and the balance, and writes nothing', async () => {
      const user = await createUser(PRICE - 1);
      const key = await createKey(user);
      const task = await createTask(user, key);
      const refused = inTransaction((tx) =>
        billing.hold(tx, { userId: user, apiKeyId: key, taskId: task.id, action: 'IMAGINE', reason: 'x' }),
      );
      await expect(refused).rejects.toThrow(InsufficientQuotaError);
      await expect(refused).rejects.toThrow(`this costs ${PRICE}, the balance is ${PRICE - 1}`);
      expect(await hold(task)).toBe(HttpStatus.PAYMENT_REQUIRED);
      expect(await balance(user)).toBe(PRICE - 1);
      expect(await keyUsed(key)).toBe(0);
      expect(await ledger(user)).toEqual([]);
    });

    it("refuses with 402 beyond the key's cap, and writes nothing (the balance stays whole)", async () => {
      const user = await createUser(1_000_000);
      const key = await createKey(user, 2 * PRICE - 1);
      expect(await hold(await createTask(user, key))).toBe('held');
      const second = await createTask(user, key);
      await expect(
        inTransaction((tx) => billing.hold(tx, { userId: user, apiKeyId: key, taskId: second.id, action: 'IMAGINE', reason: 'x' })),
      ).rejects.toThrow(ApiKeyQuotaExceededError);
      expect(await hold(second)).toBe(HttpStatus.PAYMENT_REQUIRED);
      expect(await balance(user)).toBe(1_000_000 - PRICE);
      expect(await keyUsed(key)).toBe(PRICE);
      expect((await ledger(user)).map((e) => e.taskId)).not.toContain(second.id);
    });

    it('lets a key without a cap spend the whole balance, and a submit without a key too', async () => {
      const user = await createUser(3 * PRICE);
      const key = await createKey(user, null);
      expect(await hold(await createTask(user, key))).toBe('held');
      expect(await hold(await createTask(user, key))).toBe('held');
      expect(await hold(await createTask(user))).toBe('held');
      expect(await balance(user)).toBe(0);
      expect(await keyUsed(key)).toBe(2 * PRICE);
    });

    it('holds nothing for a free action', async () => {
      const user = await createUser(10);
      const task = await createTask(user);
      expect(await hold(task, 'INPAINT')).toBe('held');
      expect(await balance(user)).toBe(10);
      expect(await ledger(user)).toEqual([]);
      expect(await giveBack(task)).toBe(0);
    });

    it('never overdraws under parallel holds: 20 at once on a balance for 7, exactly 7 go through', async () => {
      const user = await createUser(7 * PRICE + 49_999);
      const key = await createKey(user);
      const tasks = await Promise.all(Array.from({ length: 20 }, () => createTask(user, key)));
      const outcomes = await Promise.all(tasks.map((task) => hold(task)));
      expect(outcomes.filter((o) => o === 'held')).toHaveLength(7);
      expect(outcomes.filter((o) => o === HttpStatus.PAYMENT_REQUIRED)).toHaveLength(13);
      expect(await balance(user)).toBe(49_999);
      expect(await keyUsed(key)).toBe(7 * PRICE);
      const entries = await ledger(user);
      expect(entries).toHaveLength(7);
      await expectLedgerAddsUp(user, 7 * PRICE + 49_999);
    });

    it("never passes a key's cap under parallel holds: 20 at once on a cap for 7, exactly 7 go through", async () => {
      const user = await createUser(100 * PRICE);
      const key = await createKey(user, 7 * PRICE);
      const tasks = await Promise.all(Array.from({ length: 20 }, () => createTask(user, key)));
      const outcomes = await Promise.all(tasks.map((task) => hold(task)));
      expect(outcomes.filter((o) => o === 'held')).toHaveLength(7);
      expect(await keyUsed(key)).toBe(7 * PRICE);
      expect(await balance(user)).toBe(93 * PRICE);
      expect(await ledger(user)).toHaveLength(7);
    });
  });

  describe('capture', () => {
    it('charges what is held: the balance stays, and one capture row records the balance', async () => {
      const user = await createUser(200_000);
      const task = await createTask(user);
      await hold(task);
      await capture(task);
      await capture(task);
      expect(await balance(user)).toBe(150_000);
      expect(await ledger(user)).toEqual([
        { kind: 'hold', amount: -PRICE, balanceAfter: 150_000, taskId: task.id },
        { kind: 'capture', amount: 0, balanceAfter: 150_000, taskId: task.id },
      ]);
    });

    it('captures nothing for a task that holds nothing', async () => {
      const user = await createUser(200_000);
      const task = await createTask(user);
      await capture(task);
      expect(await ledger(user)).toEqual([]);
    });

    it('records the balance after it even while another submit of the same user is holding', async () => {
      const user = await createUser(300_000);
      const [first, second] = [await createTask(user), await createTask(user)];
      await hold(first);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const open = inTransaction(async (tx) => {
        await hold(second, 'IMAGINE', tx);
        held();
        await gate;
      });
      await holding;
      const captured = capture(first);
      await someoneWaitsForALock(settled(captured));
      release();
      await Promise.all([open, captured]);
      expect(await balance(user)).toBe(200_000);
      await expectLedgerAddsUp(user, 300_000);
    });
  });

  describe('giveBack', () => {
    it('gives the held amount back once, to the balance and the key, with the balance after it', async () => {
      const user = await createUser(120_000);
      const key = await createKey(user, 500_000);
      const task = await createTask(user, key);
      await hold(task);
      await capture(task);
      expect(await giveBack(task, 'refund')).toBe(PRICE);
      expect(await balance(user)).toBe(120_000);
      expect(await keyUsed(key)).toBe(0);
      expect((await ledger(user)).at(-1)).toEqual({ kind: 'refund', amount: PRICE, balanceAfter: 120_000, taskId: task.id });
      expect(await giveBack(task, 'refund')).toBe(0);
      expect(await giveBack(task, 'release')).toBe(0);
      expect(await balance(user)).toBe(120_000);
      expect(await keyUsed(key)).toBe(0);
      expect(await ledger(user)).toHaveLength(3);
      await expectLedgerAddsUp(user, 120_000);
    });

    it("releases a refused task's hold", async () => {
      const user = await createUser(80_000);
      const task = await createTask(user);
      await hold(task);
      expect(await giveBack(task, 'release')).toBe(PRICE);
      expect((await ledger(user)).map((e) => [e.kind, e.amount])).toEqual([
        ['hold', -PRICE],
        ['release', PRICE],
      ]);
      expect(await balance(user)).toBe(80_000);
    });

    it('gives back at most once when two give-backs race (a poll and a callback)', async () => {
      const user = await createUser(100_000);
      const key = await createKey(user);
      const task = await createTask(user, key);
      await hold(task);
      const amounts = await Promise.all([giveBack(task, 'refund'), giveBack(task, 'refund'), giveBack(task, 'release')]);
      expect(amounts.sort((a, b) => a - b)).toEqual([0, 0, PRICE]);
      expect(await balance(user)).toBe(100_000);
      expect(await keyUsed(key)).toBe(0);
      await expectLedgerAddsUp(user, 100_000);
    });

    it('gives nothing for a task that never held', async () => {
      const user = await createUser(5);
      expect(await giveBack(await createTask(user))).toBe(0);
      expect(await ledger(user)).toEqual([]);
      expect(await balance(user)).toBe(5);
    });

    it("gives a MODAL task's two holds (its button, then its confirm) back together", async () => {
      const user = await createUser(200_000);
      const key = await createKey(user);
      const task = await createTask(user, key);
      await setPrice('MODAL', 60_000);
      expect(await hold(task, 'VARIATION')).toBe('held');
      await capture(task);
      expect(await hold(task, 'MODAL')).toBe('held');
      await capture(task);
      expect(await balance(user)).toBe(90_000);
      expect(await keyUsed(key)).toBe(110_000);
      expect(await giveBack(task, 'refund')).toBe(110_000);
      expect(await giveBack(task, 'refund')).toBe(0);
      expect(await balance(user)).toBe(200_000);
      expect(await keyUsed(key)).toBe(0);
      expect((await ledger(user)).map((e) => [e.kind, e.amount])).toEqual([
        ['hold', -50_000],
        ['capture', 0],
        ['hold', -60_000],
        ['refund', 110_000],
      ]);
      await expectLedgerAddsUp(user, 200_000);
    });

    it('keeps the ledger adding up while holds and give-backs of one user run at once', async () => {
      const user = await createUser(10 * PRICE);
      const earlier = await Promise.all(Array.from({ length: 6 }, () => createTask(user)));
      for (const task of earlier) await hold(task);
      const later = await Promise.all(Array.from({ length: 6 }, () => createTask(user)));
      await Promise.all([...earlier.map((task) => giveBack(task)), ...later.map((task) => hold(task))]);
      expect(await balance(user)).toBe(4 * PRICE);
      await expectLedgerAddsUp(user, 10 * PRICE);
    });
  });

  describe('adjust', () => {
    it('adds and takes away, writing who did it and the balance after', async () => {
      const user = await createUser(0);
      expect(await adjust(user, 300_000, 7)).toBe(300_000);
      expect(await adjust(user, -100_000, 7)).toBe(200_000);
      expect(await adjust(user, -200_000, 7)).toBe(0);
      const rows = await sql.query<{
        kind: string;
        amount: string;
        balance_after: string;
        actor_id: number;
        reason: string;
        task_id: number | null;
      }>('SELECT kind, amount, balance_after, actor_id, reason, task_id FROM ledger_entries WHERE user_id = ? ORDER BY id', [user]);
      expect(rows.map((r) => [r.kind, Number(r.amount), Number(r.balance_after), r.actor_id, r.reason, r.task_id])).toEqual([
        ['adjustment', 300_000, 300_000, 7, 'adjust 300000', null],
        ['adjustment', -100_000, 200_000, 7, 'adjust -100000', null],
        ['adjustment', -200_000, 0, 7, 'adjust -200000', null],
      ]);
    });

    it('refuses to take a balance below 0 (409) and writes nothing', async () => {
      const user = await createUser(1000);
      expect(await adjust(user, -1001)).toEqual({ status: HttpStatus.CONFLICT, message: expect.stringContaining('cannot go below 0') });
      expect(await balance(user)).toBe(1000);
      expect(await ledger(user)).toEqual([]);
    });

    it('answers 404 for an unknown or a deleted user, and writes nothing', async () => {
      expect(await adjust(2_000_000_000, 10)).toEqual({ status: HttpStatus.NOT_FOUND, message: 'User 2000000000 not found' });
      const gone = await createUser(500, true);
      expect(await adjust(gone, 10)).toMatchObject({ status: HttpStatus.NOT_FOUND });
      expect(await adjust(gone, -10)).toMatchObject({ status: HttpStatus.NOT_FOUND });
      expect(await balance(gone)).toBe(500);
      expect(await ledger(gone)).toEqual([]);
    });
  });
});
