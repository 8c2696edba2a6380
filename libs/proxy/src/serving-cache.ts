import type { ServingRow } from './media.repository';

/**
 * Recent media lookups, for a few seconds: a page of thumbnails or a video player's range requests then cost one
 * database query, not one each. Only lookups that will not change are kept: finished tasks with no copy into the store
 * under way. A stored object that has vanished is forgotten at once.
 */
export class ServingCache {
  private readonly entries = new Map<string, { rows: ServingRow[]; until: number }>();

  constructor(
    private readonly ttlMs = 5000,
    private readonly maxEntries = 5000,
  ) {}

  get(key: string, now = Date.now()): ServingRow[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > now) return entry.rows;
    this.entries.delete(key);
    return undefined;
  }

  /** Returns the rows; keeps them when none of them can change. */
  set(key: string, rows: ServingRow[], now = Date.now()): ServingRow[] {
    if (!rows.length || rows.some((row) => row.status !== 'SUCCESS' || row.copying)) return rows;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { rows, until: now + this.ttlMs });
    return rows;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
