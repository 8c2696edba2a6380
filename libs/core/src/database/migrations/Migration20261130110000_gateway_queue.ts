import { Migration } from '@mikro-orm/migrations';

/**
 * The gateway's own task ids and its queue. `mj_id` becomes the gateway's id (what clients see; existing rows keep
 * theirs), `upstream_id` the upstream's (copied from `mj_id` for existing rows). New ids come from a sequence through a
 * keyed Feistel permutation of 52 bits (`gateway_task_id`, keys passed by the caller, derived from the installation's
 * secret), offset into [2^52, 2^53): unique, below 2^53, not guessable from the previous one, and apart from the
 * upstreams' 16-digit time-based ids. A task queued at the gateway is `queued` with the request to send
 * (`queued_request`); capacity (`max_running`, `max_queued`) is per channel, caps per user and per key.
 */
export class Migration20261130110000_gateway_queue extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE tasks ADD COLUMN upstream_id varchar(64) NOT NULL DEFAULT ''`);
    this.addSql(`UPDATE tasks SET upstream_id = mj_id WHERE mj_id <> '' AND mj_id NOT LIKE 'upload-%'`);
    this.addSql(`DROP INDEX IF EXISTS tasks_channel_mj_id_key`);
    this.addSql(`CREATE UNIQUE INDEX tasks_channel_upstream_id_key ON tasks (channel_id, upstream_id) WHERE upstream_id <> ''`);
    this.addSql(`ALTER TABLE tasks ADD COLUMN queued boolean NOT NULL DEFAULT false`);
    this.addSql(`ALTER TABLE tasks ADD COLUMN queued_request jsonb`);
    this.addSql(`ALTER TABLE tasks ADD COLUMN dispatched_at bigint NOT NULL DEFAULT 0`);
    this.addSql(`CREATE INDEX tasks_queued_idx ON tasks (channel_id, id) WHERE queued`);
    this.addSql(`CREATE INDEX tasks_unfinished_user_idx ON tasks (user_id) WHERE status IN ('NOT_START', 'SUBMITTED', 'IN_PROGRESS')`);
    this.addSql(`CREATE INDEX tasks_unfinished_key_idx ON tasks (api_key_id) WHERE status IN ('NOT_START', 'SUBMITTED', 'IN_PROGRESS')`);
    this.addSql(
      `CREATE INDEX tasks_unfinished_channel_idx ON tasks (channel_id) WHERE status IN ('NOT_START', 'SUBMITTED', 'IN_PROGRESS')`,
    );
    this.addSql(`CREATE SEQUENCE task_public_ids`);
    this.addSql(`CREATE FUNCTION gateway_task_id(n bigint, keys text[]) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE
        l bigint := (n >> 26) & 67108863;
        r bigint := n & 67108863;
        t bigint;
        i int;
      BEGIN
        FOR i IN 1 .. array_length(keys, 1) LOOP
          t := r;
          r := l # (('x' || substr(md5(keys[i] || ':' || r::text), 1, 8))::bit(32)::bigint & 67108863);
          l := t;
        END LOOP;
        RETURN ((l << 26) | r) + 4503599627370496;
      END $$`);
    this.addSql(`ALTER TABLE channels ADD COLUMN max_running int NOT NULL DEFAULT 3`);
    this.addSql(`ALTER TABLE channels ADD COLUMN max_queued int NOT NULL DEFAULT 10`);
    this.addSql(`ALTER TABLE users ADD COLUMN max_tasks int`);
    this.addSql(`ALTER TABLE api_keys ADD COLUMN max_tasks int`);
  }
}
