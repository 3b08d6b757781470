import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_TENANT, disableTenantRls, enableTenantRls } from '@engage/database';

/** Tables that hold one tenant's rows and are filtered by the standard tenant policy. */
const TENANT_TABLES = [
  'crm.companies',
  'crm.contacts',
  'crm.contact_channels',
  'crm.pipelines',
  'crm.deals',
  'crm.deal_stage_history',
  'crm.custom_field_definitions',
  'crm.import_chunks',
  'crm.import_errors',
];

/**
 * Contacts, companies, pipelines and deals, custom field definitions and CSV imports. Beyond what
 * the entities generate: row-level security on every table, and the search indexes TypeORM cannot
 * express (pg_trgm GIN over `search_doc`, a GIN over the typo keys in `search_keys`).
 */
export class CrmCore1795226154161 implements MigrationInterface {
  name = 'CrmCore1795226154161';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "companies" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" text NOT NULL, "name_sort" text COLLATE "C" NOT NULL, "domain" text, "industry" text, "size" text, "owner_id" uuid, "custom_fields" jsonb NOT NULL DEFAULT '{}', "search_doc" text NOT NULL DEFAULT '', "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c76ea70ea246df1d0fbc4cba033" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "companies_domain_idx" ON "companies" ("tenant_id", "domain") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "companies_updated_idx" ON "companies" ("tenant_id", "updated_at", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "companies_created_idx" ON "companies" ("tenant_id", "created_at", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "companies_name_idx" ON "companies" ("tenant_id", "name_sort", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE TABLE "contacts" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "first_name" text, "last_name" text, "emails" text array NOT NULL DEFAULT '{}', "phones" jsonb NOT NULL DEFAULT '[]', "company_id" uuid, "title" text, "owner_id" uuid, "lifecycle_stage" text NOT NULL DEFAULT 'lead', "lead_score" integer NOT NULL DEFAULT '0', "tags" text array NOT NULL DEFAULT '{}', "source" text, "timezone" text, "custom_fields" jsonb NOT NULL DEFAULT '{}', "notes" text, "last_contacted_at" TIMESTAMP WITH TIME ZONE, "name_sort" text COLLATE "C" NOT NULL DEFAULT '', "search_doc" text NOT NULL DEFAULT '', "search_keys" text array NOT NULL DEFAULT '{}', "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "merged_into" uuid, CONSTRAINT "PK_00fd315b15bf24d066c67246661" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "contacts_deleted_idx" ON "contacts" ("tenant_id", "deleted_at") WHERE "deleted_at" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_company_idx" ON "contacts" ("tenant_id", "company_id") `);
    await queryRunner.query(`CREATE INDEX "contacts_owner_idx" ON "contacts" ("tenant_id", "owner_id") `);
    await queryRunner.query(`CREATE INDEX "contacts_score_idx" ON "contacts" ("tenant_id", "lead_score", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_name_idx" ON "contacts" ("tenant_id", "name_sort", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_updated_idx" ON "contacts" ("tenant_id", "updated_at", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_created_idx" ON "contacts" ("tenant_id", "created_at", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE TABLE "contact_channels" ("tenant_id" uuid NOT NULL, "value" text NOT NULL, "contact_id" uuid NOT NULL, CONSTRAINT "PK_954f44e183507dcbd6980c2e6cd" PRIMARY KEY ("tenant_id", "value", "contact_id"))`);
    await queryRunner.query(`CREATE INDEX "contact_channels_contact_idx" ON "contact_channels" ("tenant_id", "contact_id") `);
    await queryRunner.query(`CREATE TABLE "custom_field_definitions" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "object_type" text NOT NULL, "key" text NOT NULL, "label" text NOT NULL, "type" text NOT NULL, "options" text array NOT NULL DEFAULT '{}', "required" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_270f6f9eda70d445146e710a8c7" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "custom_field_definitions_key_idx" ON "custom_field_definitions" ("tenant_id", "object_type", "key") `);
    await queryRunner.query(`CREATE TABLE "pipelines" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" text NOT NULL, "is_default" boolean NOT NULL DEFAULT false, "stages" jsonb NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_08cfa3729b332297c29ebfbefd7" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "pipelines_created_idx" ON "pipelines" ("tenant_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "pipelines_one_default_idx" ON "pipelines" ("tenant_id") WHERE "is_default"`);
    await queryRunner.query(`CREATE TABLE "deals" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" text NOT NULL, "name_sort" text COLLATE "C" NOT NULL, "amount" numeric, "currency" text NOT NULL, "pipeline_id" uuid NOT NULL, "stage" text NOT NULL, "probability" integer NOT NULL, "expected_close_date" date, "owner_id" uuid, "contact_id" uuid, "company_id" uuid, "custom_fields" jsonb NOT NULL DEFAULT '{}', "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_86de75623cec4b94fbccb3d2157" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "deals_owner_idx" ON "deals" ("tenant_id", "owner_id") `);
    await queryRunner.query(`CREATE INDEX "deals_company_idx" ON "deals" ("tenant_id", "company_id") `);
    await queryRunner.query(`CREATE INDEX "deals_contact_idx" ON "deals" ("tenant_id", "contact_id") `);
    await queryRunner.query(`CREATE INDEX "deals_stage_idx" ON "deals" ("tenant_id", "pipeline_id", "stage") `);
    await queryRunner.query(`CREATE INDEX "deals_name_idx" ON "deals" ("tenant_id", "name_sort", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "deals_updated_idx" ON "deals" ("tenant_id", "updated_at", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "deals_created_idx" ON "deals" ("tenant_id", "created_at", "id") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE TABLE "deal_stage_history" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "deal_id" uuid NOT NULL, "pipeline_id" uuid NOT NULL, "from_stage" text, "to_stage" text NOT NULL, "changed_by" uuid, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8e9652eb72e4ebabbf47ead2990" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "deal_stage_history_deal_idx" ON "deal_stage_history" ("tenant_id", "deal_id", "changed_at") `);
    await queryRunner.query(`CREATE TABLE "imports" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'receiving', "filename" text, "mapping" jsonb NOT NULL DEFAULT '{}', "on_duplicate" text NOT NULL DEFAULT 'update', "default_country" text, "received_bytes" bigint NOT NULL DEFAULT '0', "processed" integer NOT NULL DEFAULT '0', "created" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', "skipped" integer NOT NULL DEFAULT '0', "failed" integer NOT NULL DEFAULT '0', "message" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_07cad1b623e00da1809b96effa4" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "imports_created_idx" ON "imports" ("tenant_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "import_chunks" ("tenant_id" uuid NOT NULL, "import_id" uuid NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_54c7f012db42b7990bc97159984" PRIMARY KEY ("tenant_id", "import_id", "seq"))`);
    await queryRunner.query(`CREATE TABLE "import_errors" ("tenant_id" uuid NOT NULL, "import_id" uuid NOT NULL, "row" integer NOT NULL, "field" text, "reason" text NOT NULL, CONSTRAINT "PK_642eb69d25894ed61de8208a857" PRIMARY KEY ("tenant_id", "import_id", "row"))`);
    await queryRunner.query(`ALTER TABLE "contacts" ADD CONSTRAINT "contacts_company_fk" FOREIGN KEY ("tenant_id", "company_id") REFERENCES "companies"("tenant_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "contact_channels" ADD CONSTRAINT "contact_channels_contact_fk" FOREIGN KEY ("tenant_id", "contact_id") REFERENCES "contacts"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "deals" ADD CONSTRAINT "deals_pipeline_fk" FOREIGN KEY ("tenant_id", "pipeline_id") REFERENCES "pipelines"("tenant_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "deals" ADD CONSTRAINT "deals_contact_fk" FOREIGN KEY ("tenant_id", "contact_id") REFERENCES "contacts"("tenant_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "deals" ADD CONSTRAINT "deals_company_fk" FOREIGN KEY ("tenant_id", "company_id") REFERENCES "companies"("tenant_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "deal_stage_history" ADD CONSTRAINT "deal_stage_history_deal_fk" FOREIGN KEY ("tenant_id", "deal_id") REFERENCES "deals"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "import_chunks" ADD CONSTRAINT "import_chunks_import_fk" FOREIGN KEY ("tenant_id", "import_id") REFERENCES "imports"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "import_errors" ADD CONSTRAINT "import_errors_import_fk" FOREIGN KEY ("tenant_id", "import_id") REFERENCES "imports"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Hand-written from here on.
    await queryRunner.query(`CREATE INDEX "contacts_search_trgm_idx" ON "crm"."contacts" USING gin ("search_doc" public.gin_trgm_ops) WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "contacts_search_keys_idx" ON "crm"."contacts" USING gin ("search_keys") WHERE "deleted_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "companies_search_trgm_idx" ON "crm"."companies" USING gin ("search_doc" public.gin_trgm_ops) WHERE "deleted_at" IS NULL`);
    for (const table of TENANT_TABLES) for (const sql of enableTenantRls(table)) await queryRunner.query(sql);
    // The import worker finds queued jobs of every tenant (`app.import_worker = on`, reads only);
    // everything it then writes happens in a transaction bound to the job's tenant.
    await queryRunner.query(`ALTER TABLE "crm"."imports" ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE "crm"."imports" FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `CREATE POLICY tenant_isolation ON "crm"."imports"
         USING (tenant_id = ${CURRENT_TENANT} OR current_setting('app.import_worker', true) = 'on')
         WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of disableTenantRls('crm.imports')) await queryRunner.query(sql);
    for (const table of [...TENANT_TABLES].reverse()) for (const sql of disableTenantRls(table)) await queryRunner.query(sql);
    await queryRunner.query(`DROP INDEX "crm"."companies_search_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_search_keys_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_search_trgm_idx"`);
    await queryRunner.query(`ALTER TABLE "import_errors" DROP CONSTRAINT "import_errors_import_fk"`);
    await queryRunner.query(`ALTER TABLE "import_chunks" DROP CONSTRAINT "import_chunks_import_fk"`);
    await queryRunner.query(`ALTER TABLE "deal_stage_history" DROP CONSTRAINT "deal_stage_history_deal_fk"`);
    await queryRunner.query(`ALTER TABLE "deals" DROP CONSTRAINT "deals_company_fk"`);
    await queryRunner.query(`ALTER TABLE "deals" DROP CONSTRAINT "deals_contact_fk"`);
    await queryRunner.query(`ALTER TABLE "deals" DROP CONSTRAINT "deals_pipeline_fk"`);
    await queryRunner.query(`ALTER TABLE "contact_channels" DROP CONSTRAINT "contact_channels_contact_fk"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP CONSTRAINT "contacts_company_fk"`);
    await queryRunner.query(`DROP TABLE "import_errors"`);
    await queryRunner.query(`DROP TABLE "import_chunks"`);
    await queryRunner.query(`DROP INDEX "crm"."imports_created_idx"`);
    await queryRunner.query(`DROP TABLE "imports"`);
    await queryRunner.query(`DROP INDEX "crm"."deal_stage_history_deal_idx"`);
    await queryRunner.query(`DROP TABLE "deal_stage_history"`);
    await queryRunner.query(`DROP INDEX "crm"."deals_created_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."deals_updated_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."deals_name_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."deals_stage_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."deals_contact_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."deals_company_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."deals_owner_idx"`);
    await queryRunner.query(`DROP TABLE "deals"`);
    await queryRunner.query(`DROP INDEX "crm"."pipelines_one_default_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."pipelines_created_idx"`);
    await queryRunner.query(`DROP TABLE "pipelines"`);
    await queryRunner.query(`DROP INDEX "crm"."custom_field_definitions_key_idx"`);
    await queryRunner.query(`DROP TABLE "custom_field_definitions"`);
    await queryRunner.query(`DROP INDEX "crm"."contact_channels_contact_idx"`);
    await queryRunner.query(`DROP TABLE "contact_channels"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_created_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_updated_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_name_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_score_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_owner_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_company_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."contacts_deleted_idx"`);
    await queryRunner.query(`DROP TABLE "contacts"`);
    await queryRunner.query(`DROP INDEX "crm"."companies_name_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."companies_created_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."companies_updated_idx"`);
    await queryRunner.query(`DROP INDEX "crm"."companies_domain_idx"`);
    await queryRunner.query(`DROP TABLE "companies"`);
  }
}
