import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_TENANT, disableTenantRls, enableTenantRls } from '@engage/database';

const TENANT_TABLES = ['identity.users', 'identity.refresh_tokens', 'identity.one_time_tokens', 'identity.api_keys'];

/**
 * Tenants, users, tokens and API keys. Tenant tables are filtered by row-level security; a
 * tenant row is visible only to its own tenant. The slug registry and signing keys are global:
 * the runtime role may read and add slugs but never change or remove one.
 */

export class Identity1795226023248 implements MigrationInterface {
  name = 'Identity1795226023248';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "api_keys" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" text NOT NULL, "prefix" text NOT NULL, "key_hash" text NOT NULL, "role" text NOT NULL, "created_by" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_63391bb25a8c6e1c50de701375f" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_hash_uq" ON "api_keys" ("tenant_id", "key_hash") `);
    await queryRunner.query(`CREATE TABLE "users" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "email" text NOT NULL, "email_normalized" text NOT NULL, "full_name" text NOT NULL, "role" text NOT NULL, "is_active" boolean NOT NULL DEFAULT true, "password_hash" text, "mfa_enabled" boolean NOT NULL DEFAULT false, "mfa_secret_enc" text, "recovery_code_hashes" text array NOT NULL DEFAULT '{}', "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_96bb2f14a3cd3f8e046898b08b4" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "users_tenant_email_uq" ON "users" ("tenant_id", "email_normalized") `);
    await queryRunner.query(`CREATE TABLE "one_time_tokens" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "user_id" uuid NOT NULL, "purpose" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_af97fc2cca9a22695de9e71ef15" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "one_time_tokens_hash_uq" ON "one_time_tokens" ("tenant_id", "token_hash") `);
    await queryRunner.query(`CREATE TABLE "refresh_tokens" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "user_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2bebd22f16e68b57c9e1f5fe7d9" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "refresh_tokens_user_idx" ON "refresh_tokens" ("tenant_id", "user_id") `);
    await queryRunner.query(`CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" ("tenant_id", "family_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "refresh_tokens_hash_uq" ON "refresh_tokens" ("tenant_id", "token_hash") `);
    await queryRunner.query(`CREATE TABLE "signing_keys" ("kid" text NOT NULL, "alg" text NOT NULL, "public_jwk" jsonb NOT NULL, "private_key_enc" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))`);
    await queryRunner.query(`CREATE TABLE "tenant_slugs" ("slug" text NOT NULL, "tenant_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_5cc5b556903c6b3d074dbad2c39" UNIQUE ("tenant_id"), CONSTRAINT "PK_1724b9e1514d57f97c209d97b2d" PRIMARY KEY ("slug"))`);
    await queryRunner.query(`CREATE TABLE "tenants" ("id" uuid NOT NULL, "name" text NOT NULL, "slug" text NOT NULL, "plan" text NOT NULL DEFAULT 'basic', "enabled_modules" text array NOT NULL DEFAULT '{crm}', "settings" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug"), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "one_time_tokens" ADD CONSTRAINT "FK_dec0a9f0ab97791856dc35ccae4" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_bb32cefeb2991138658b95f0658" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    for (const table of TENANT_TABLES) for (const sql of enableTenantRls(table)) await queryRunner.query(sql);
    await queryRunner.query(`ALTER TABLE identity.tenants ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE identity.tenants FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `CREATE POLICY tenant_isolation ON identity.tenants USING (id = ${CURRENT_TENANT}) WITH CHECK (id = ${CURRENT_TENANT})`,
    );
    await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON identity.tenant_slugs FROM identity_app`);
    await queryRunner.query(`REVOKE DELETE, TRUNCATE ON identity.signing_keys FROM identity_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON identity.tenants`);
    for (const table of TENANT_TABLES) for (const sql of disableTenantRls(table)) await queryRunner.query(sql);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_bb32cefeb2991138658b95f0658"`);
    await queryRunner.query(`ALTER TABLE "one_time_tokens" DROP CONSTRAINT "FK_dec0a9f0ab97791856dc35ccae4"`);
    await queryRunner.query(`DROP TABLE "tenants"`);
    await queryRunner.query(`DROP TABLE "tenant_slugs"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
    await queryRunner.query(`DROP INDEX "identity"."refresh_tokens_hash_uq"`);
    await queryRunner.query(`DROP INDEX "identity"."refresh_tokens_family_idx"`);
    await queryRunner.query(`DROP INDEX "identity"."refresh_tokens_user_idx"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "identity"."one_time_tokens_hash_uq"`);
    await queryRunner.query(`DROP TABLE "one_time_tokens"`);
    await queryRunner.query(`DROP INDEX "identity"."users_tenant_email_uq"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "identity"."api_keys_hash_uq"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
