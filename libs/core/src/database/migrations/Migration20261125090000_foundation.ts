import { Migration } from '@mikro-orm/migrations';

/** Users, API keys, tasks with the indexes of both task lists, and per-user / per-channel task counters. */
export class Migration20261125090000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE TABLE users (
      id serial PRIMARY KEY,
      username varchar(64) NOT NULL,
      password_hash varchar(255) NOT NULL,
      role varchar(16) NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
      status varchar(16) NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
      quota bigint NOT NULL DEFAULT 0 CHECK (quota >= 0),
      token_version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz NULL
    )`);
    this.addSql(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);

    this.addSql(`CREATE TABLE api_keys (
      id serial PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users (id),
      name varchar(64) NOT NULL,
      key_hash char(64) NOT NULL UNIQUE,
      key_prefix varchar(16) NOT NULL,
      expires_at timestamptz NULL,
      quota_limit bigint NULL,
      quota_used bigint NOT NULL DEFAULT 0,
      last_used_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz NULL
    )`);
    this.addSql(`CREATE INDEX api_keys_user_idx ON api_keys (user_id, id) WHERE deleted_at IS NULL`);

    // Every movement of quota is a row here, written in the transaction that moves the balance.
    this.addSql(`CREATE TABLE ledger_entries (
      id bigserial PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users (id),
      task_id integer NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ('hold', 'capture', 'release', 'refund', 'adjustment')),
      amount bigint NOT NULL,
      balance_after bigint NOT NULL,
      reason text NOT NULL DEFAULT '',
      actor_id integer NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    this.addSql(`CREATE UNIQUE INDEX ledger_entries_task_kind_key ON ledger_entries (task_id, kind) WHERE task_id IS NOT NULL`);
    this.addSql(`CREATE INDEX ledger_entries_user_idx ON ledger_entries (user_id, id)`);

    // Times are epoch milliseconds on the gateway's clock; 0 means "not reached".
    this.addSql(`CREATE TABLE tasks (
      id serial PRIMARY KEY,
      user_id integer NOT NULL,
      channel_id integer NOT NULL DEFAULT 0,
      api_key_id integer NOT NULL DEFAULT 0,
      parent_id integer NOT NULL DEFAULT 0,
      mj_id varchar(64) NOT NULL DEFAULT '',
      action varchar(32) NOT NULL,
      status varchar(16) NOT NULL DEFAULT 'NOT_START',
      progress varchar(32) NOT NULL DEFAULT '',
      prompt text NOT NULL DEFAULT '',
      prompt_en text NOT NULL DEFAULT '',
      description text NOT NULL DEFAULT '',
      state text NOT NULL DEFAULT '',
      submit_code integer NOT NULL DEFAULT 0,
      image_url text NOT NULL DEFAULT '',
      image_urls jsonb NOT NULL DEFAULT '[]',
      video_url text NOT NULL DEFAULT '',
      video_urls jsonb NOT NULL DEFAULT '[]',
      buttons jsonb NOT NULL DEFAULT '[]',
      properties jsonb NOT NULL DEFAULT '{}',
      fail_reason text NOT NULL DEFAULT '',
      quota bigint NOT NULL DEFAULT 0,
      submit_time bigint NOT NULL,
      start_time bigint NOT NULL DEFAULT 0,
      finish_time bigint NOT NULL DEFAULT 0,
      deadline_at bigint NOT NULL DEFAULT 0,
      next_poll_at bigint NOT NULL DEFAULT 0,
      missed_polls integer NOT NULL DEFAULT 0,
      updated_at bigint NOT NULL DEFAULT 0
    )`);
    // One index per list filter, each ending in the list order (id DESC) or the time range.
    this.addSql(`CREATE INDEX tasks_user_idx ON tasks (user_id, id)`);
    this.addSql(`CREATE INDEX tasks_channel_idx ON tasks (channel_id, id)`);
    this.addSql(`CREATE INDEX tasks_status_idx ON tasks (status, id)`);
    this.addSql(`CREATE INDEX tasks_action_idx ON tasks (action, id)`);
    this.addSql(`CREATE INDEX tasks_mj_id_idx ON tasks (mj_id)`);
    this.addSql(`CREATE INDEX tasks_submit_time_idx ON tasks (submit_time)`);
    this.addSql(`CREATE INDEX tasks_user_submit_time_idx ON tasks (user_id, submit_time)`);
    this.addSql(`CREATE INDEX tasks_channel_submit_time_idx ON tasks (channel_id, submit_time)`);
    this.addSql(`CREATE UNIQUE INDEX tasks_channel_mj_id_key ON tasks (channel_id, mj_id) WHERE mj_id <> ''`);
    // Only unfinished tasks are ever due for polling: the index never holds finished ones.
    this.addSql(`CREATE INDEX tasks_due_idx ON tasks (next_poll_at) WHERE status NOT IN ('SUCCESS', 'FAILURE', 'CANCEL')`);

    // Exact list totals without counting rows: kept by statement triggers in the writing transaction.
    this.addSql(`CREATE TABLE task_counts_by_user (
      user_id integer NOT NULL, status varchar(16) NOT NULL, n bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (user_id, status))`);
    this.addSql(`CREATE TABLE task_counts_by_channel (
      channel_id integer NOT NULL, status varchar(16) NOT NULL, n bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (channel_id, status))`);
    for (const key of ['user_id', 'channel_id']) {
      const table = key === 'user_id' ? 'task_counts_by_user' : 'task_counts_by_channel';
      const upsert = (deltas: string) => `INSERT INTO ${table} AS c (${key}, status, n)
        SELECT ${key}, status, sum(n) FROM (${deltas}) d GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
        ON CONFLICT (${key}, status) DO UPDATE SET n = c.n + EXCLUDED.n;`;
      const moved = `FROM old_rows o JOIN new_rows w USING (id) WHERE (o.${key}, o.status) IS DISTINCT FROM (w.${key}, w.status)`;
      this.addSql(`CREATE FUNCTION ${table}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${upsert(`SELECT ${key}, status, 1 AS n FROM new_rows`)}
        ELSIF TG_OP = 'DELETE' THEN
          ${upsert(`SELECT ${key}, status, -1 AS n FROM old_rows`)}
        ELSE
          ${upsert(`SELECT o.${key}, o.status, -1 AS n ${moved} UNION ALL SELECT w.${key}, w.status, 1 ${moved}`)}
        END IF;
        RETURN NULL;
      END $$`);
      this.addSql(`CREATE TRIGGER ${table}_insert AFTER INSERT ON tasks
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_apply()`);
      this.addSql(`CREATE TRIGGER ${table}_update AFTER UPDATE ON tasks
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_apply()`);
      this.addSql(`CREATE TRIGGER ${table}_delete AFTER DELETE ON tasks
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_apply()`);
    }
  }
}
