import { Migration } from '@mikro-orm/migrations';

/**
 * Channels that heal themselves: the breaker's state on the channel row (shared by every instance), its recent
 * failures and its history of transitions, what each channel can do, its pacing; the speed mode of a task and the
 * price of an action per mode (the hold reads the mode's price, else the action's).
 */
export class Migration20261130150000_channel_health extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE channels
      ADD COLUMN state varchar(16) NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open', 'disabled')),
      ADD COLUMN state_reason text NOT NULL DEFAULT '',
      ADD COLUMN state_since timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN breaker_failures integer NOT NULL DEFAULT 5 CHECK (breaker_failures >= 1),
      ADD COLUMN breaker_window_s integer NOT NULL DEFAULT 60 CHECK (breaker_window_s >= 1),
      ADD COLUMN breaker_cooldown_s integer NOT NULL DEFAULT 120 CHECK (breaker_cooldown_s >= 1),
      ADD COLUMN probe_at timestamptz NULL,
      ADD COLUMN failed_probes integer NOT NULL DEFAULT 0,
      ADD COLUMN capabilities jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN min_gap_ms integer NOT NULL DEFAULT 0 CHECK (min_gap_ms >= 0),
      ADD COLUMN gap_jitter_ms integer NOT NULL DEFAULT 0 CHECK (gap_jitter_ms >= 0),
      ADD COLUMN daily_cap integer NOT NULL DEFAULT 0 CHECK (daily_cap >= 0),
      ADD COLUMN next_submit_at timestamptz NULL,
      ADD COLUMN submits_day date NULL,
      ADD COLUMN submits_today integer NOT NULL DEFAULT 0,
      ADD COLUMN rate_alert_at timestamptz NULL`);
    // A channel an admin switched off before this migration is "disabled" with that reason.
    this.addSql(`UPDATE channels SET state = 'disabled', state_reason = 'disabled by an admin' WHERE NOT enabled`);

    this.addSql(`CREATE TABLE channel_failures (
      channel_id integer NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    this.addSql(`CREATE INDEX channel_failures_channel_idx ON channel_failures (channel_id, at)`);

    this.addSql(`CREATE TABLE channel_events (
      id bigserial PRIMARY KEY,
      channel_id integer NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
      from_state varchar(16) NOT NULL,
      to_state varchar(16) NOT NULL,
      reason text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    this.addSql(`CREATE INDEX channel_events_channel_idx ON channel_events (channel_id, id DESC)`);

    this.addSql(`ALTER TABLE tasks ADD COLUMN mode varchar(8) NOT NULL DEFAULT 'fast'`);
    // A task's mode, when its route names none: the key's, else the user's, else the gateway's default.
    this.addSql(`ALTER TABLE api_keys ADD COLUMN default_mode varchar(8) NULL CHECK (default_mode IN ('fast', 'relax', 'turbo'))`);
    this.addSql(`ALTER TABLE users ADD COLUMN default_mode varchar(8) NULL CHECK (default_mode IN ('fast', 'relax', 'turbo'))`);

    this.addSql(`CREATE TABLE mode_prices (
      action varchar(32) NOT NULL,
      mode varchar(8) NOT NULL CHECK (mode IN ('fast', 'relax', 'turbo')),
      quota bigint NOT NULL CHECK (quota >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (action, mode)
    )`);

    // The hold as before, with the mode: its price when an admin set one, else the action's.
    this.addSql('DROP FUNCTION quota_hold(int, int, int, text, bigint, text)');
    this.addSql(`CREATE FUNCTION quota_hold(p_user_id int, p_api_key_id int, p_task_id int, p_action text, p_default bigint, p_reason text,
        p_mode text DEFAULT '')
      RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        v_amount bigint;
        v_balance bigint;
      BEGIN
        v_amount := coalesce((SELECT quota FROM mode_prices WHERE action = p_action AND mode = p_mode),
                             (SELECT quota FROM prices WHERE action = p_action), p_default);
        IF v_amount <= 0 THEN RETURN 0; END IF;
        UPDATE users SET quota = quota - v_amount WHERE id = p_user_id AND quota >= v_amount RETURNING quota INTO v_balance;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'insufficient quota' USING ERRCODE = 'QH001',
            DETAIL = v_amount || ',' || coalesce((SELECT quota FROM users WHERE id = p_user_id), 0);
        END IF;
        IF p_api_key_id <> 0 THEN
          UPDATE api_keys SET quota_used = quota_used + v_amount
          WHERE id = p_api_key_id AND (quota_limit IS NULL OR quota_used + v_amount <= quota_limit);
          IF NOT FOUND THEN RAISE EXCEPTION 'api key quota exceeded' USING ERRCODE = 'QH002', DETAIL = v_amount::text; END IF;
        END IF;
        INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
        VALUES (p_user_id, p_task_id, 'hold', -v_amount, v_balance, p_reason);
        RETURN v_amount;
      END $$`);
  }
}
