import { Migration } from '@mikro-orm/migrations';

/** Edits are stored and priced under the protocol's own action name, `EDIT` (they were `EDITS`, new-api's billing name). */
export class Migration20261130090000_one_vocabulary extends Migration {
  override async up(): Promise<void> {
    this.addSql(`UPDATE tasks SET action = 'EDIT' WHERE action = 'EDITS'`);
    this.addSql(`UPDATE prices SET action = 'EDIT' WHERE action = 'EDITS' AND NOT EXISTS (SELECT 1 FROM prices WHERE action = 'EDIT')`);
    this.addSql(`DELETE FROM prices WHERE action = 'EDITS'`);
  }

  override async down(): Promise<void> {
    this.addSql(`UPDATE tasks SET action = 'EDITS' WHERE action = 'EDIT'`);
    this.addSql(`UPDATE prices SET action = 'EDITS' WHERE action = 'EDIT'`);
  }
}
