import { Migration } from '@mikro-orm/migrations';

/**
 * Extension points and the first built-in submit check:
 * - `banned_words`: the admin-edited list of banned phrases and their allowed exceptions (`list`), one row per phrase
 *   and list, case-insensitively unique. Every statement that changes it advances the sequence `banned_words_version`
 *   and, at its commit, notifies `banned_words_changed`: how every instance notices a change at once (a sequence, not a
 *   row, so db-export copies it without clashing with the target's).
 * - `tasks.original_prompt`: what the client sent when a submit check rewrote the prompt ('' when none did).
 * - `channels.type`: the upstream kind that serves a channel (`midjourney-proxy`, the built-in one, or a module's).
 */
export class Migration20261130130000_banned_words extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE TABLE banned_words (
      id serial PRIMARY KEY,
      phrase varchar(200) NOT NULL CHECK (length(btrim(phrase)) > 0),
      list varchar(16) NOT NULL CHECK (list IN ('banned', 'allowed')),
      whole_word boolean NOT NULL DEFAULT true,
      note varchar(200) NOT NULL DEFAULT '',
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    )`);
    this.addSql(`CREATE UNIQUE INDEX banned_words_list_phrase ON banned_words (list, lower(phrase))`);
    this.addSql(`CREATE SEQUENCE banned_words_version`);
    this.addSql(`CREATE FUNCTION banned_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('banned_words_version'); PERFORM pg_notify('banned_words_changed', ''); RETURN NULL; END $$`);
    this.addSql(`CREATE TRIGGER banned_words_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON banned_words
      FOR EACH STATEMENT EXECUTE FUNCTION banned_words_changed()`);
    this.addSql(`ALTER TABLE tasks ADD COLUMN original_prompt text NOT NULL DEFAULT ''`);
    this.addSql(`ALTER TABLE channels ADD COLUMN type varchar(64) NOT NULL DEFAULT 'midjourney-proxy'`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE channels DROP COLUMN type`);
    this.addSql(`ALTER TABLE tasks DROP COLUMN original_prompt`);
    this.addSql(`DROP TABLE banned_words`);
    this.addSql(`DROP FUNCTION banned_words_changed()`);
    this.addSql(`DROP SEQUENCE banned_words_version`);
  }
}
