import { Migration } from '@mikro-orm/migrations';

const FINAL = `('SUCCESS', 'FAILURE', 'CANCEL')`;

/**
 * The poll schedule leaves the task row for a narrow table of its own. Claiming a pass's tasks rewrote every claimed
 * row of `tasks` (fifteen indexes, the counter triggers) even when nothing had changed upstream; now a claim and an
 * unchanged task's next poll write only `task_polls` (its key and one index), and `tasks` is written only for tasks
 * that changed. A task is on the schedule while it is unfinished: the triggers below add it when it is inserted
 * unfinished (due at its submit time) and remove it when it ends, whoever writes it.
 */
export class Migration20261130160000_task_polls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE TABLE task_polls (
      task_id integer PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
      next_poll_at bigint NOT NULL,
      idle_polls integer NOT NULL DEFAULT 0,
      missed_polls integer NOT NULL DEFAULT 0
    ) WITH (fillfactor = 80)`);
    this.addSql(`CREATE INDEX task_polls_due_idx ON task_polls (next_poll_at)`);
    this.addSql(`INSERT INTO task_polls (task_id, next_poll_at, idle_polls, missed_polls)
      SELECT id, next_poll_at, idle_polls, missed_polls FROM tasks WHERE status NOT IN ${FINAL}`);
    this.addSql(`CREATE FUNCTION task_polls_join() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO task_polls (task_id, next_poll_at) VALUES (NEW.id, NEW.submit_time) ON CONFLICT (task_id) DO NOTHING;
        RETURN NULL;
      END $$`);
    this.addSql(`CREATE TRIGGER task_polls_join AFTER INSERT ON tasks FOR EACH ROW
      WHEN (NEW.status NOT IN ${FINAL}) EXECUTE FUNCTION task_polls_join()`);
    this.addSql(`CREATE FUNCTION task_polls_leave() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM task_polls WHERE task_id = NEW.id;
        RETURN NULL;
      END $$`);
    this.addSql(`CREATE TRIGGER task_polls_leave AFTER UPDATE OF status ON tasks FOR EACH ROW
      WHEN (NEW.status IN ${FINAL} AND OLD.status NOT IN ${FINAL}) EXECUTE FUNCTION task_polls_leave()`);
    this.addSql(`DROP INDEX tasks_due_idx`);
    this.addSql(`ALTER TABLE tasks DROP COLUMN next_poll_at, DROP COLUMN idle_polls, DROP COLUMN missed_polls`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE tasks ADD COLUMN next_poll_at bigint NOT NULL DEFAULT 0, ADD COLUMN idle_polls integer NOT NULL DEFAULT 0,
      ADD COLUMN missed_polls integer NOT NULL DEFAULT 0`);
    this.addSql(`UPDATE tasks t SET next_poll_at = p.next_poll_at, idle_polls = p.idle_polls, missed_polls = p.missed_polls
      FROM task_polls p WHERE p.task_id = t.id`);
    this.addSql(`CREATE INDEX tasks_due_idx ON tasks (next_poll_at) WHERE status NOT IN ${FINAL}`);
    this.addSql(`DROP TRIGGER task_polls_leave ON tasks`);
    this.addSql(`DROP TRIGGER task_polls_join ON tasks`);
    this.addSql(`DROP FUNCTION task_polls_leave()`);
    this.addSql(`DROP FUNCTION task_polls_join()`);
    this.addSql(`DROP TABLE task_polls`);
  }
}
