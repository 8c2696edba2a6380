import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { escapeLiteral } from 'pg';

/** Runs one statement with `?` placeholders and answers its rows. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

interface Statement {
  /** The SQL with pg's `$n` placeholders. */
  text: string;
  /** A prepared statement's name, the same for the same text on every connection. */
  name: string;
}

/** Each SQL shape, converted once (the code holds a few dozen shapes, built from fixed pieces). */
const statements = new Map<string, Statement>();

/** `?` → `$n` (the statements of this project hold no other `?`), and a stable name for preparing it. */
export function statementOf(sql: string): Statement {
  let statement = statements.get(sql);
  if (!statement) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    statement = { text, name: `s_${createHash('sha256').update(text).digest('hex').slice(0, 20)}` };
    if (statements.size < 10_000) statements.set(sql, statement);
  }
  return statement;
}

interface PgConnection {
  query(config: { text: string; name?: string; values: unknown[] } | string): Promise<{ rows: unknown[] } | { rows: unknown[] }[]>;
}

/** One statement of a batch: SQL with `?` placeholders, and its values (numbers, strings, booleans, null). */
export interface BatchStatement {
  sql: string;
  params: unknown[];
}

/** A value written into SQL text: only the kinds that have one exact literal. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return escapeLiteral(value);
  throw new Error(`no SQL literal for a ${typeof value}`);
}

interface Pool {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/**
 * Explicit SQL on a connection of the ORM's pool, through pg directly: bound parameters, each statement prepared once
 * per connection (PostgreSQL, on the same cores, skips parsing and planning it), none of the ORM's per-query work.
 * A transaction runs on one connection and awaits no other (the embedded database has only one).
 */
@Injectable()
export class Sql implements SqlRunner {
  private pool?: Pool;

  constructor(private readonly em: EntityManager) {}

  /** The ORM's connection pool, process-wide (asked once: going through the EntityManager costs per call). */
  private get client(): Pool {
    return (this.pool ??= this.em.getConnection().getKnex().client as Pool);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const connection = await this.client.acquireConnection();
    try {
      return await run<T>(connection, sql, params);
    } finally {
      await this.client.releaseConnection(connection);
    }
  }

  /**
   * Several statements as one implicit transaction in one round trip (the simple protocol: values are written into the
   * text as literals, escaped by pg). Each statement ends before the next begins, its triggers included, so the lock
   * order is the statements' order; an error in any undoes them all. Answers each statement's rows.
   */
  async batch(statements: BatchStatement[]): Promise<Record<string, unknown>[][]> {
    const text = statements
      .map(({ sql, params }) => {
        let i = 0;
        return sql.replace(/\?/g, () => literal(params[i++]));
      })
      .join(';\n');
    const connection = await this.client.acquireConnection();
    try {
      const results = await connection.query(text);
      return (Array.isArray(results) ? results : [results]).map((result) => result.rows as Record<string, unknown>[]);
    } finally {
      await this.client.releaseConnection(connection);
    }
  }

  /** `work` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const connection = await this.client.acquireConnection();
    try {
      // Without parameters: the simple protocol, one message each.
      await connection.query('BEGIN');
      let result: T;
      try {
        result = await work({ query: (sql, params = []) => run(connection, sql, params) });
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await connection.query('COMMIT');
      return result;
    } finally {
      await this.client.releaseConnection(connection);
    }
  }
}

async function run<T>(connection: PgConnection, sql: string, params: unknown[]): Promise<T[]> {
  const { text, name } = statementOf(sql);
  return ((await connection.query({ name, text, values: params })) as { rows: unknown[] }).rows as T[];
}
