import { Migration } from '@mikro-orm/migrations';

/** Polling backoff per task, and the per-channel switch for upstream notify callbacks. */
export class Migration20261125110000_polling extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE tasks ADD COLUMN idle_polls integer NOT NULL DEFAULT 0`);
    this.addSql(`ALTER TABLE channels ADD COLUMN notify_enabled boolean NOT NULL DEFAULT false`);
  }
}
