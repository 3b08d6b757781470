import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

/**
 * Search through btrees only. Under row-level security PostgreSQL turns a condition into an index
 * condition only when its operator is LEAKPROOF: LIKE, `&&` and pg_trgm's operators are not, so
 * the GIN indexes of CrmCore were never used (every search was a scan of the tenant's rows).
 * Equality and ranges on text are leakproof: names are matched by folded value (exact, prefix, or
 * through the typo vocabulary), emails and phones through contact_channels ("C" collation, so a
 * prefix is a range).
 */
export class BtreeSearch1795227504113 implements MigrationInterface {
  name = 'BtreeSearch1795227504113';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "crm"."companies_search_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_search_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_search_keys_idx"`);
    await queryRunner.query(`CREATE TABLE "name_vocabulary" ("tenant_id" uuid NOT NULL, "variant" text COLLATE "C" NOT NULL, "value" text COLLATE "C" NOT NULL, CONSTRAINT "PK_e905f8987997b715effe3a32b55" PRIMARY KEY ("tenant_id", "variant", "value"))`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "search_doc"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "search_keys"`);
    await queryRunner.query(`ALTER TABLE "contacts" ADD "first_key" text COLLATE "C" NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "contacts" ADD "last_key" text COLLATE "C" NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "contact_channels" ALTER COLUMN "value" TYPE text COLLATE "C"`);
    await queryRunner.query(`CREATE INDEX "contacts_last_key_idx" ON "contacts" ("tenant_id", "last_key") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_first_key_idx" ON "contacts" ("tenant_id", "first_key") WHERE "deleted_at" IS NULL`);
    // Hand-written from here on.
    for (const sql of enableTenantRls('crm.name_vocabulary')) await queryRunner.query(sql);
    // Rows written before this migration: lower case (accents stay until the contact's next write).
    await queryRunner.query(`UPDATE "crm"."contacts" SET "first_key" = lower(coalesce("first_name", '')), "last_key" = lower(coalesce("last_name", ''))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of disableTenantRls('crm.name_vocabulary')) await queryRunner.query(sql);
    await queryRunner.query(`DROP INDEX "crm"."contacts_first_key_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_last_key_idx"`);
    await queryRunner.query(`ALTER TABLE "contact_channels" ALTER COLUMN "value" TYPE text COLLATE pg_catalog."default"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "last_key"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "first_key"`);
    await queryRunner.query(`ALTER TABLE "contacts" ADD "search_keys" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "contacts" ADD "search_doc" text NOT NULL DEFAULT ''`);
    await queryRunner.query(`DROP TABLE "name_vocabulary"`);
    await queryRunner.query(`CREATE INDEX "contacts_search_keys_idx" ON "crm"."contacts" USING gin ("search_keys") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_search_trgm_idx" ON "crm"."contacts" USING gin ("search_doc" public.gin_trgm_ops) WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "companies_search_trgm_idx" ON "crm"."companies" USING gin ("search_doc" public.gin_trgm_ops) WHERE "deleted_at" IS NULL`);
  }
}
