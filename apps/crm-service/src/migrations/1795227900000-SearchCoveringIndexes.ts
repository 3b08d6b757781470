import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The name-key indexes carry the id, both keys and the company, so a search term is answered by index-only
 * scans and scored without reading the table (see searchSql in contacts.repository.ts).
 * TypeORM cannot express INCLUDE: the entity declares these indexes with `synchronize: false`.
 */
export class SearchCoveringIndexes1795227900000 implements MigrationInterface {
  name = 'SearchCoveringIndexes1795227900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "crm"."contacts_first_key_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_last_key_idx"`);
    await queryRunner.query(
      `CREATE INDEX "contacts_first_key_idx" ON "crm"."contacts" ("tenant_id", "first_key") INCLUDE ("id", "last_key", "company_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "contacts_last_key_idx" ON "crm"."contacts" ("tenant_id", "last_key") INCLUDE ("id", "first_key", "company_id") WHERE "deleted_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "crm"."contacts_first_key_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_last_key_idx"`);
    await queryRunner.query(`CREATE INDEX "contacts_first_key_idx" ON "crm"."contacts" ("tenant_id", "first_key") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_last_key_idx" ON "crm"."contacts" ("tenant_id", "last_key") WHERE "deleted_at" IS NULL`);
  }
}
