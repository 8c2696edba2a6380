import { Migration } from '@mikro-orm/migrations';

/**
 * The media store's index (`media_objects`, with a byte total kept by trigger for the size budget) and the queue of
 * finished results still to copy (`media_archive`), filled by a trigger in the same transaction as the task's move to
 * SUCCESS, so no result is missed after a restart or on another instance, and no sweep has to scan `tasks`.
 */
export class Migration20261125120000_proxy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE TABLE media_objects (
      task_id integer NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
      kind varchar(8) NOT NULL,
      n smallint NOT NULL,
      variant varchar(16) NOT NULL DEFAULT '',
      store_key text NOT NULL,
      content_type varchar(32) NOT NULL,
      size bigint NOT NULL,
      etag varchar(64) NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (task_id, kind, n, variant)
    )`);
    this.addSql(`CREATE INDEX media_objects_created_idx ON media_objects (created_at)`);
    this.addSql(`CREATE INDEX media_objects_key_idx ON media_objects (store_key)`);

    this.addSql(`CREATE TABLE media_store_usage (id smallint PRIMARY KEY CHECK (id = 1), bytes bigint NOT NULL DEFAULT 0)`);
    this.addSql(`INSERT INTO media_store_usage (id, bytes) VALUES (1, 0)`);
    this.addSql(`CREATE FUNCTION media_store_usage_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE media_store_usage SET bytes = bytes
        + CASE WHEN TG_OP <> 'DELETE' THEN NEW.size ELSE 0 END
        - CASE WHEN TG_OP <> 'INSERT' THEN OLD.size ELSE 0 END
      WHERE id = 1;
      RETURN NULL;
    END $$`);
    this.addSql(`CREATE TRIGGER media_store_usage_apply AFTER INSERT OR UPDATE OF size OR DELETE ON media_objects
      FOR EACH ROW EXECUTE FUNCTION media_store_usage_apply()`);

    // state: pending (to copy; next_attempt_at doubles as the claim's lease), done, failed (gave up), evicted.
    this.addSql(`CREATE TABLE media_archive (
      task_id integer PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
      state varchar(12) NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at bigint NOT NULL DEFAULT 0,
      last_error text NOT NULL DEFAULT '',
      updated_at bigint NOT NULL DEFAULT 0
    )`);
    this.addSql(`CREATE INDEX media_archive_due_idx ON media_archive (next_attempt_at) WHERE state = 'pending'`);
    this.addSql(`CREATE FUNCTION media_archive_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO media_archive AS a (task_id, state, attempts, next_attempt_at, last_error, updated_at)
      VALUES (NEW.id, 'pending', 0, 0, '', (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
      ON CONFLICT (task_id) DO UPDATE SET state = 'pending', attempts = 0, next_attempt_at = 0, last_error = '',
        updated_at = EXCLUDED.updated_at;
      RETURN NULL;
    END $$`);
    // Fires only on the move to SUCCESS, or when a finished task's result URLs change.
    this.addSql(`CREATE TRIGGER media_archive_enqueue AFTER UPDATE OF status, image_url, image_urls, video_url, video_urls ON tasks
      FOR EACH ROW WHEN (NEW.status = 'SUCCESS' AND (NEW.image_url <> '' OR NEW.video_url <> '' OR NEW.image_urls <> '[]'::jsonb
        OR NEW.video_urls <> '[]'::jsonb) AND (OLD.status <> 'SUCCESS' OR OLD.image_url <> NEW.image_url
        OR OLD.image_urls <> NEW.image_urls OR OLD.video_url <> NEW.video_url OR OLD.video_urls <> NEW.video_urls))
      EXECUTE FUNCTION media_archive_enqueue()`);
    // Results of the last week that are already finished: their links may still work upstream.
    this.addSql(`INSERT INTO media_archive (task_id, updated_at)
      SELECT id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM tasks
      WHERE status = 'SUCCESS' AND (image_url <> '' OR video_url <> '')
        AND finish_time > (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 7 * 86400000`);
  }
}
