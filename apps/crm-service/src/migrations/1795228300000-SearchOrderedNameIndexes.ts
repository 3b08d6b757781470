import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search results with the same relevance are listed by name (last, then first, then id). The name
 * indexes now hold both name keys and the id as index keys, in that order, so a search looks up
 * each candidate name (or first-and-last pair) and reads only its first page of rows, already in
 * result order, instead of collecting every contact with a common name and sorting them. The
 * company stays as an included column for the company test. Same number of indexes as before.
 *
 * The company index gets the same order after the company (last, first, id) and carries the
 * deletion time, so the contacts of a company a search word names are read in result order from
 * the index alone.
 */
export class SearchOrderedNameIndexes1795228300000 implements MigrationInterface {
  name = 'SearchOrderedNameIndexes1795228300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "crm"."contacts_first_key_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_last_key_idx"`);
    await queryRunner.query(
      `CREATE INDEX "contacts_first_key_idx" ON "crm"."contacts" ("tenant_id", "first_key", "last_key", "id") INCLUDE ("company_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "contacts_last_key_idx" ON "crm"."contacts" ("tenant_id", "last_key", "first_key", "id") INCLUDE ("company_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(`DROP INDEX "crm"."contacts_company_idx"`);
    await queryRunner.query(
      `CREATE INDEX "contacts_company_idx" ON "crm"."contacts" ("tenant_id", "company_id", "last_key", "first_key", "id") INCLUDE ("deleted_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "crm"."contacts_company_idx"`);
    await queryRunner.query(`CREATE INDEX "contacts_company_idx" ON "crm"."contacts" ("tenant_id", "company_id")`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_first_key_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_last_key_idx"`);
    await queryRunner.query(
      `CREATE INDEX "contacts_first_key_idx" ON "crm"."contacts" ("tenant_id", "first_key") INCLUDE ("id", "last_key", "company_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "contacts_last_key_idx" ON "crm"."contacts" ("tenant_id", "last_key") INCLUDE ("id", "first_key", "company_id") WHERE "deleted_at" IS NULL`,
    );
  }
}
