import { Injectable } from '@nestjs/common';
import { ConflictError, Sql } from '@app/core';

export type WordList = 'banned' | 'allowed';
export const WORD_LISTS: readonly WordList[] = ['banned', 'allowed'];

export interface BannedWordRow {
  id: number;
  phrase: string;
  list: WordList;
  wholeWord: boolean;
  note: string;
  createdAt: number;
  updatedAt: number;
}

export interface BannedWordFilter {
  list?: WordList;
  /** A part of the phrase, case-insensitive. */
  q?: string;
}

const COLUMNS = `id, phrase, list, whole_word AS "wholeWord", note, created_at::float8 AS "createdAt", updated_at::float8 AS "updatedAt"`;

/** The SQL of `banned_words` (the one owner of the table). Its triggers advance `banned_words_version` and notify. */
@Injectable()
export class BannedWordsRepository {
  constructor(private readonly sql: Sql) {}

  /** Advances with every change of the list, on whichever instance made it. */
  async version(): Promise<number> {
    const [row] = await this.sql.query<{ version: string }>(
      `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS version FROM banned_words_version`,
    );
    return Number(row.version);
  }

  all(): Promise<BannedWordRow[]> {
    return this.sql.query<BannedWordRow>(`SELECT ${COLUMNS} FROM banned_words ORDER BY id`);
  }

  async findPage(filter: BannedWordFilter, offset: number, limit: number): Promise<[BannedWordRow[], number]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.list) {
      where.push('list = ?');
      params.push(filter.list);
    }
    if (filter.q) {
      where.push(`strpos(lower(phrase), lower(?)) > 0`);
      params.push(filter.q);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await this.sql.query<BannedWordRow & { total: string }>(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM banned_words ${clause} ORDER BY list DESC, lower(phrase), id LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
    if (rows.length || offset === 0) {
      const total = Number(rows[0]?.total ?? 0);
      return [rows.map(withoutTotal), total];
    }
    const [count] = await this.sql.query<{ n: string }>(`SELECT count(*) AS n FROM banned_words ${clause}`, params);
    return [[], Number(count.n)];
  }

  async find(id: number): Promise<BannedWordRow | null> {
    const [row] = await this.sql.query<BannedWordRow>(`SELECT ${COLUMNS} FROM banned_words WHERE id = ?`, [id]);
    return row ?? null;
  }

  async insert(word: Omit<BannedWordRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<BannedWordRow> {
    const now = Date.now();
    const [row] = await this.unique(word, () =>
      this.sql.query<BannedWordRow>(
        `INSERT INTO banned_words (phrase, list, whole_word, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
        [word.phrase, word.list, word.wholeWord, word.note, now, now],
      ),
    );
    return row;
  }

  async update(id: number, word: Omit<BannedWordRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<BannedWordRow | null> {
    const [row] = await this.unique(word, () =>
      this.sql.query<BannedWordRow>(
        `UPDATE banned_words SET phrase = ?, list = ?, whole_word = ?, note = ?, updated_at = ? WHERE id = ? RETURNING ${COLUMNS}`,
        [word.phrase, word.list, word.wholeWord, word.note, Date.now(), id],
      ),
    );
    return row ?? null;
  }

  async delete(id: number): Promise<boolean> {
    const rows = await this.sql.query(`DELETE FROM banned_words WHERE id = ? RETURNING id`, [id]);
    return rows.length > 0;
  }

  private async unique<T>(word: { phrase: string; list: WordList }, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ConflictError(`"${word.phrase}" is already on the ${word.list} list`);
      }
      throw error;
    }
  }
}

function withoutTotal(row: BannedWordRow & { total?: string }): BannedWordRow {
  delete row.total;
  return row;
}
