import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contacts soft-deleted longer ago than the restore window are erased for good by the purge
 * worker, tenant by tenant. To find which tenants have such contacts it reads across tenants,
 * with `app.purge_worker = on` in its transaction, and this policy lets it see exactly those
 * rows: deleted, past the window, and only for reading. Everything it then changes, it changes
 * in a transaction bound to one tenant like any other write.
 */
export class ContactPurge1795228600000 implements MigrationInterface {
  name = 'ContactPurge1795228600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE POLICY contacts_purge_discovery ON "crm"."contacts" FOR SELECT
        USING (current_setting('app.purge_worker', true) = 'on' AND deleted_at IS NOT NULL AND deleted_at < now() - interval '30 days')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY contacts_purge_discovery ON "crm"."contacts"`);
  }
}
