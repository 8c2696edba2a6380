import { EntityManager } from '@mikro-orm/postgresql';

/** Runs one statement on the transaction's own connection (never a second one: PGlite would wait forever). */
export function exec<T = Record<string, unknown>>(tx: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return tx.getConnection().execute<T[]>(sql, params, 'all', tx.getTransactionContext());
}
