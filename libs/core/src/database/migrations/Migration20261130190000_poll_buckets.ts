import { Migration } from '@mikro-orm/migrations';

/**
 * Instances share the poll schedule by buckets (a task's bucket: its id modulo the number of rows here), not by a
 * lease on every task. A pass wrote a lease into `task_polls` for each task it claimed and then wrote the row again
 * with its next poll, two index writes per task polled; now an instance holds a few dozen buckets for a while and
 * renews them each pass, and a task's schedule row is written only when its next poll must move. `poll_workers`:
 * the instances that poll, each with the last time it did, so each takes its fair share of the buckets.
 */
export class Migration20261130190000_poll_buckets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE TABLE poll_workers (
      worker text PRIMARY KEY,
      seen_at bigint NOT NULL
    )`);
    this.addSql(`CREATE TABLE poll_buckets (
      bucket smallint PRIMARY KEY,
      holder text NOT NULL DEFAULT '',
      leased_until bigint NOT NULL DEFAULT 0
    )`);
    this.addSql(`INSERT INTO poll_buckets (bucket) SELECT generate_series(0, 63)`);
  }

  override async down(): Promise<void> {
    this.addSql(`DROP TABLE poll_buckets`);
    this.addSql(`DROP TABLE poll_workers`);
  }
}
