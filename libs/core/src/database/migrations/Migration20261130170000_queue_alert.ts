import { Migration } from '@mikro-orm/migrations';

/** When a channel's queue-wait alert last went out: at most one an hour per channel, whichever instance sees it. */
export class Migration20261130170000_queue_alert extends Migration {
  override async up(): Promise<void> {
    this.addSql('ALTER TABLE channels ADD COLUMN queue_alert_at timestamptz NULL');
  }

  override async down(): Promise<void> {
    this.addSql('ALTER TABLE channels DROP COLUMN queue_alert_at');
  }
}
