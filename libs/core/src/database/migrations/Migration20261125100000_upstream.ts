import { Migration } from '@mikro-orm/migrations';

/** Channels (the upstreams) and admin-set prices per action. */
export class Migration20261125100000_upstream extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE TABLE channels (
      id serial PRIMARY KEY,
      name varchar(64) NOT NULL,
      base_url text NOT NULL,
      secret text NOT NULL DEFAULT '',
      enabled boolean NOT NULL DEFAULT true,
      priority integer NOT NULL DEFAULT 0,
      weight integer NOT NULL DEFAULT 1 CHECK (weight >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz NULL
    )`);
    this.addSql(`CREATE INDEX channels_enabled_idx ON channels (priority DESC, id) WHERE enabled AND deleted_at IS NULL`);

    this.addSql(`CREATE TABLE prices (
      action varchar(32) PRIMARY KEY,
      quota bigint NOT NULL CHECK (quota >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

    // A task's hold is given back at most once, whether as a release (rejected) or a refund (failed later).
    this.addSql(`CREATE UNIQUE INDEX ledger_entries_task_return_key ON ledger_entries (task_id)
      WHERE kind IN ('release', 'refund') AND task_id IS NOT NULL`);
  }
}
