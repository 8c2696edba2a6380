import { Injectable } from '@nestjs/common';
import { pageWindow, Sql } from '@app/core';
import {
  LedgerEntryDto,
  LedgerPageDto,
  ListLedgerQuery,
  ModePriceDto,
  ModePriceListDto,
  PriceDto,
  PriceListDto,
  PricePreviewDto,
} from './dto/ledger.dto';
import { DEFAULT_PRICES, defaultPrice } from './prices';

/** Reading the ledger and the price list (writing quota is BillingService's alone). */
@Injectable()
export class LedgerService {
  constructor(private readonly sql: Sql) {}

  async list(query: ListLedgerQuery): Promise<LedgerPageDto> {
    const { page, pageSize, offset } = pageWindow(query);
    const filters: [string, unknown][] = [
      ['user_id = ?', query.user_id],
      ['task_id = ?', query.task_id],
      ['kind = ?', query.kind],
    ].filter(([, value]) => value !== undefined) as [string, unknown][];
    const where = filters.map(([sql]) => sql);
    const params = filters.map(([, value]) => value);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count, rows] = await Promise.all([
      this.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ledger_entries ${clause}`, params),
      this.sql.query<LedgerEntryDto>(
        `SELECT id::int, user_id, COALESCE(task_id, 0) AS task_id, kind, amount::float8 AS amount,
                balance_after::float8 AS balance_after, reason, COALESCE(actor_id, 0) AS actor_id,
                extract(epoch FROM created_at)::int AS created_at
         FROM ledger_entries ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
        [...params, pageSize, offset],
      ),
    ]);
    return { items: rows, total: Number(count[0].n), page, page_size: pageSize };
  }

  async prices(): Promise<PriceListDto> {
    const custom = await this.sql.query<{ action: string; quota: string }>('SELECT action, quota FROM prices');
    const merged = new Map<string, PriceDto>(
      Object.entries(DEFAULT_PRICES).map(([action, quota]) => [action, { action, quota, custom: false }]),
    );
    for (const row of custom) merged.set(row.action, { action: row.action, quota: Number(row.quota), custom: true });
    return { items: [...merged.values()].sort((a, b) => a.action.localeCompare(b.action)) };
  }

  async setPrice(action: string, quota: number): Promise<PriceDto> {
    await this.sql.query(
      `INSERT INTO prices (action, quota) VALUES (?, ?) ON CONFLICT (action) DO UPDATE SET quota = EXCLUDED.quota, updated_at = now()`,
      [action, quota],
    );
    return { action, quota, custom: true };
  }

  async modePrices(): Promise<ModePriceListDto> {
    const rows = await this.sql.query<ModePriceDto>('SELECT action, mode, quota::float8 AS quota FROM mode_prices ORDER BY action, mode');
    return { items: rows };
  }

  async setModePrice(action: string, mode: string, quota: number): Promise<ModePriceDto> {
    await this.sql.query(
      `INSERT INTO mode_prices (action, mode, quota) VALUES (?, ?, ?)
       ON CONFLICT (action, mode) DO UPDATE SET quota = EXCLUDED.quota, updated_at = now()`,
      [action, mode, quota],
    );
    return { action, mode, quota };
  }

  async removeModePrice(action: string, mode: string): Promise<void> {
    await this.sql.query('DELETE FROM mode_prices WHERE action = ? AND mode = ?', [action, mode]);
  }

  /** What a submit would hold: the mode's price, else the action's (as `quota_hold` reads them). */
  async preview(action: string, mode: string): Promise<PricePreviewDto> {
    const [row] = await this.sql.query<{ price: number | null }>(
      `SELECT coalesce((SELECT quota FROM mode_prices WHERE action = ? AND mode = ?), (SELECT quota FROM prices WHERE action = ?))::float8 AS price`,
      [action, mode, action],
    );
    return { action, mode, price: row.price ?? defaultPrice(action) };
  }
}
