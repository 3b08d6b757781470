import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const RUNTIME_ROLE = 'activity_app';

/**
 * The audit trail: every domain event of every service, one row each, per tenant in a hash chain
 * (each row holds the SHA-256 of the previous row's hash and its own canonical content, so an
 * altered, removed or inserted row breaks the chain at that point). Append-only twice over: the
 * runtime role may only INSERT and SELECT, and a trigger refuses UPDATE, DELETE and TRUNCATE even
 * to the owner unless the transaction declared itself the retention job
 * (`SET LOCAL engage.audit_retention = 'on'`).
 */
export class AuditTrail1795250000000 implements MigrationInterface {
  name = 'AuditTrail1795250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE activity.audit_log (
      tenant_id uuid NOT NULL, seq bigint NOT NULL CHECK (seq > 0), id uuid NOT NULL,
      occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      actor_id uuid, service text NOT NULL, entity text NOT NULL, entity_id text NOT NULL, action text NOT NULL,
      request_id text, source_event_id uuid NOT NULL, changes jsonb NOT NULL,
      prev_hash char(64) NOT NULL, hash char(64) NOT NULL,
      PRIMARY KEY (tenant_id, seq),
      UNIQUE (tenant_id, source_event_id))`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON activity.audit_log (tenant_id, actor_id, seq DESC)`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON activity.audit_log (tenant_id, entity, entity_id, seq DESC)`);
    await q.query(`CREATE INDEX audit_log_time_idx ON activity.audit_log (tenant_id, occurred_at)`);
    for (const sql of enableTenantRls('activity.audit_log')) await q.query(sql);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON activity.audit_log FROM ${RUNTIME_ROLE}`);
    await q.query(`CREATE FUNCTION activity.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('engage.audit_retention', true), '') = 'on' THEN
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NULL END;
        END IF;
        RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON activity.audit_log
      FOR EACH ROW EXECUTE FUNCTION activity.audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON activity.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION activity.audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_log_no_truncate ON activity.audit_log`);
    await q.query(`DROP TRIGGER audit_log_append_only ON activity.audit_log`);
    await q.query(`DROP FUNCTION activity.audit_log_append_only()`);
    for (const sql of disableTenantRls('activity.audit_log')) await q.query(sql);
    await q.query(`DROP TABLE activity.audit_log`);
  }
}
