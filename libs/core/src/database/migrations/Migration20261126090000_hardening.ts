import { Migration } from '@mikro-orm/migrations';

/**
 * Shared state of the abuse limits, so they hold across every instance on one database: fixed-window counters
 * (login attempts per address and per username, thumbnail generations per user) and the SSE tickets already used.
 * The store's eviction order puts thumbnails (variants) before originals.
 */
export class Migration20261126090000_hardening extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE TABLE rate_limits (
      key text PRIMARY KEY,
      window_ends_at bigint NOT NULL,
      hits integer NOT NULL)`);
    this.addSql('CREATE INDEX rate_limits_window_ends_at ON rate_limits (window_ends_at)');
    this.addSql(`CREATE TABLE used_tickets (
      jti text PRIMARY KEY,
      expires_at bigint NOT NULL)`);
    this.addSql('CREATE INDEX used_tickets_expires_at ON used_tickets (expires_at)');
    this.addSql(`CREATE INDEX media_objects_eviction_idx ON media_objects ((variant = ''), created_at)`);
    this.addSql('DROP INDEX media_objects_created_idx');
  }

  override async down(): Promise<void> {
    this.addSql('CREATE INDEX media_objects_created_idx ON media_objects (created_at)');
    this.addSql('DROP INDEX media_objects_eviction_idx');
    this.addSql('DROP TABLE used_tickets');
    this.addSql('DROP TABLE rate_limits');
  }
}
