import { Migration } from '@mikro-orm/migrations';

/**
 * Client callbacks (notifyHook): an API key's default hook and hook-secret version; a task's subscription (where its
 * events go, their sequence, the coalescing state); the outbox of events, written in the statement that changes the
 * task; and the log of every delivery attempt. Only libs/hooks and TaskStore (through libs/hooks' fragments) touch them.
 */
export class Migration20261130120000_hooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `ALTER TABLE api_keys ADD COLUMN hook_url text NOT NULL DEFAULT '', ADD COLUMN hook_secret_version integer NOT NULL DEFAULT 0`,
    );
    this.addSql(`CREATE TABLE hook_subscriptions (
      task_id integer PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
      user_id integer NOT NULL,
      api_key_id integer NOT NULL,
      url text NOT NULL,
      base_url text NOT NULL,
      seq integer NOT NULL DEFAULT 0,
      last_status varchar(16) NOT NULL DEFAULT '',
      last_progress varchar(32) NOT NULL DEFAULT '',
      last_progress_at bigint NOT NULL DEFAULT 0,
      stopped boolean NOT NULL DEFAULT false
    )`);
    // Times are epoch milliseconds on the gateway's clock.
    this.addSql(`CREATE TABLE hook_events (
      id bigserial PRIMARY KEY,
      task_id integer NULL,
      mj_id varchar(64) NOT NULL DEFAULT '',
      user_id integer NOT NULL,
      api_key_id integer NOT NULL,
      seq integer NOT NULL,
      url text NOT NULL,
      base_url text NOT NULL,
      task_status varchar(16) NOT NULL,
      progress varchar(32) NOT NULL DEFAULT '',
      snapshot jsonb NOT NULL,
      state varchar(16) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'stopped')),
      attempts integer NOT NULL DEFAULT 0,
      retry_base integer NOT NULL DEFAULT 0,
      next_attempt_at bigint NOT NULL,
      lease_until bigint NOT NULL DEFAULT 0,
      created_at bigint NOT NULL,
      delivered_at bigint NOT NULL DEFAULT 0,
      last_code integer NOT NULL DEFAULT 0,
      last_error text NOT NULL DEFAULT ''
    )`);
    this.addSql(`CREATE INDEX hook_events_due_idx ON hook_events (next_attempt_at) WHERE state = 'pending'`);
    this.addSql(`CREATE INDEX hook_events_pending_task_idx ON hook_events (task_id, seq) WHERE state = 'pending'`);
    this.addSql(`CREATE INDEX hook_events_user_idx ON hook_events (user_id, id)`);
    this.addSql(`CREATE INDEX hook_events_task_idx ON hook_events (mj_id, id)`);
    this.addSql(`CREATE TABLE hook_attempts (
      event_id bigint NOT NULL REFERENCES hook_events (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      at bigint NOT NULL,
      status_code integer NOT NULL DEFAULT 0,
      latency_ms integer NOT NULL DEFAULT 0,
      error text NOT NULL DEFAULT '',
      response_head text NOT NULL DEFAULT '',
      PRIMARY KEY (event_id, attempt)
    )`);
  }

  override async down(): Promise<void> {
    this.addSql('DROP TABLE hook_attempts');
    this.addSql('DROP TABLE hook_events');
    this.addSql('DROP TABLE hook_subscriptions');
    this.addSql('ALTER TABLE api_keys DROP COLUMN hook_url, DROP COLUMN hook_secret_version');
  }
}
