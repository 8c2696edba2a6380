import { Migration } from '@mikro-orm/migrations';

/**
 * Links that live as long as the media: a durable media link is signed over the task and the sum of the task's and its
 * owner's link epochs. Revoking bumps one of them; both only grow, so a revoked link's sum never comes back.
 */
export class Migration20261130140000_link_epochs extends Migration {
  override async up(): Promise<void> {
    this.addSql('ALTER TABLE tasks ADD COLUMN link_epoch integer NOT NULL DEFAULT 0');
    this.addSql('ALTER TABLE users ADD COLUMN link_epoch integer NOT NULL DEFAULT 0');
  }

  override async down(): Promise<void> {
    this.addSql('ALTER TABLE tasks DROP COLUMN link_epoch');
    this.addSql('ALTER TABLE users DROP COLUMN link_epoch');
  }
}
