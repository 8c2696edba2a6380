import { Migration } from '@mikro-orm/migrations';

/** Polling backoff per task, the per-channel notify switch, repeatable holds, covering time-range indexes. */
export class Migration20261125110000_polling extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE tasks ADD COLUMN idle_polls integer NOT NULL DEFAULT 0`);
    // Time-range lists read the matching ids from the index alone (index-only scans), then take the newest.
    this.addSql(`DROP INDEX tasks_submit_time_idx`);
    this.addSql(`DROP INDEX tasks_user_submit_time_idx`);
    this.addSql(`DROP INDEX tasks_channel_submit_time_idx`);
    this.addSql(`CREATE INDEX tasks_submit_time_idx ON tasks (submit_time, id)`);
    this.addSql(`CREATE INDEX tasks_user_submit_time_idx ON tasks (user_id, submit_time, id)`);
    this.addSql(`CREATE INDEX tasks_channel_submit_time_idx ON tasks (channel_id, submit_time, id)`);
    this.addSql(`ALTER TABLE channels ADD COLUMN notify_enabled boolean NOT NULL DEFAULT false`);
    // A MODAL task is held twice (its button, then its confirm): holds are no longer unique per task.
    this.addSql(`DROP INDEX ledger_entries_task_kind_key`);
    this.addSql(`CREATE UNIQUE INDEX ledger_entries_task_kind_key ON ledger_entries (task_id, kind)
      WHERE task_id IS NOT NULL AND kind <> 'hold'`);
  }
}
