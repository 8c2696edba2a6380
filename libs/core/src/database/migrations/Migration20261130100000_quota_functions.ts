import { Migration } from '@mikro-orm/migrations';

/**
 * Billing's hold and capture as functions: a hold is one round trip whatever it checks (the price, the balance, the
 * key's cap, the ledger row), and a capture can ride in the statement that records the upstream's acceptance. A
 * refused hold raises, which undoes its transaction: SQLSTATE QH001 (balance; DETAIL "needed,balance") or QH002 (the
 * key's cap; DETAIL "needed"). Only billing calls them (libs/billing/src/billing.service.ts).
 */
export class Migration20261130100000_quota_functions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE FUNCTION quota_hold(p_user_id int, p_api_key_id int, p_task_id int, p_action text, p_default bigint, p_reason text)
      RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        v_amount bigint;
        v_balance bigint;
      BEGIN
        v_amount := coalesce((SELECT quota FROM prices WHERE action = p_action), p_default);
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
    this.addSql(`CREATE FUNCTION quota_capture(p_task_id int) RETURNS void LANGUAGE sql AS $$
      INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
      SELECT held.user_id, p_task_id, 'capture', 0, users.quota, 'accepted by the upstream'
      FROM (SELECT user_id FROM ledger_entries WHERE task_id = p_task_id AND kind = 'hold' LIMIT 1) held
        JOIN users ON users.id = held.user_id
      FOR UPDATE OF users
      ON CONFLICT DO NOTHING
    $$`);
  }

  override async down(): Promise<void> {
    this.addSql('DROP FUNCTION quota_capture(int)');
    this.addSql('DROP FUNCTION quota_hold(int, int, int, text, bigint, text)');
  }
}
