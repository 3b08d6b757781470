import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const TABLES = ['activity.gmail_settings', 'activity.email_bodies'];

/**
 * What a tenant's admins decide about Gmail sync, and the message bodies they may choose to keep.
 * Tenant data, under row-level security:
 *
 * - `gmail_settings`: how many days the first sync of a mailbox reads (null: the deployment's
 *   GMAIL_INITIAL_SYNC_DAYS), whether message bodies are stored, and for how long. No row means
 *   the defaults (no bodies).
 * - `email_bodies`: the plain text of a synced message, sealed with the tenant's data key, one per
 *   email activity. It goes with its activity (erasing a contact erases its timeline, and so the
 *   bodies), when the tenant turns storing off, and when it is older than the retention.
 */
export class GmailSettings1795281000000 implements MigrationInterface {
  name = 'GmailSettings1795281000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE activity.gmail_settings (
      tenant_id uuid NOT NULL PRIMARY KEY,
      initial_sync_days integer CHECK (initial_sync_days BETWEEN 1 AND 365),
      store_bodies boolean NOT NULL DEFAULT false,
      body_retention_days integer CHECK (body_retention_days BETWEEN 1 AND 3650),
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE activity.email_bodies (
      tenant_id uuid NOT NULL, activity_id uuid NOT NULL,
      body_sealed text NOT NULL,
      chars integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, activity_id),
      CONSTRAINT email_bodies_activity_fk FOREIGN KEY (tenant_id, activity_id) REFERENCES activity.activities (tenant_id, id) ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX email_bodies_age_idx ON activity.email_bodies (tenant_id, created_at)`);
    for (const table of TABLES) for (const sql of enableTenantRls(table)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) for (const sql of disableTenantRls(table)) await q.query(sql);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
