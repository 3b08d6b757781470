import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const TABLES = ['notification.webhook_endpoints', 'notification.webhook_deliveries'];
const KINDS_BEFORE = `'mention', 'assignment', 'import_completed', 'broadcast', 'gmail_reconsent'`;

/**
 * Outbound webhooks (SPEC section 4). Tenant data, under row-level security:
 *
 * - `webhook_endpoints`: where a tenant wants its events sent, which ones (`events`, with `*`
 *   wildcards), the signing secret sealed with SecretBox under the tenant's data key, and during a
 *   rotation the previous secret until `previous_secret_expires_at`. The worker keeps the health
 *   of the endpoint here too: consecutive failures, when it started failing (3 days of nothing but
 *   failures disables it), and until when its circuit breaker pauses it.
 * - `webhook_deliveries`: one row per event and endpoint, keyed by the `webhook-id` derived from
 *   both (the same event delivered twice to this service makes one row). The body is kept as the
 *   exact text that is signed and sent. `next_attempt_at` is both the schedule and the lease: a
 *   claimed row is pushed a minute ahead, so a replica that dies mid-send leaves it due again.
 *
 * The worker claims due rows of every tenant under the cross-tenant reason `webhook_delivery`,
 * whose policies allow SELECT and UPDATE of pending deliveries and SELECT of endpoints only.
 */
export class Webhooks1795270000000 implements MigrationInterface {
  name = 'Webhooks1795270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notification.webhook_endpoints (
      tenant_id uuid NOT NULL, id uuid NOT NULL,
      url text NOT NULL CHECK (char_length(url) <= 2000),
      events text[] NOT NULL,
      description text,
      active boolean NOT NULL DEFAULT true,
      disabled_reason text,
      secret_sealed text NOT NULL,
      previous_secret_sealed text,
      previous_secret_expires_at timestamptz,
      created_by uuid,
      consecutive_failures integer NOT NULL DEFAULT 0,
      failing_since timestamptz,
      paused_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id))`);

    await q.query(`CREATE TABLE notification.webhook_deliveries (
      tenant_id uuid NOT NULL, id uuid NOT NULL, endpoint_id uuid NOT NULL,
      webhook_id text NOT NULL,
      event_id uuid, event_type text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      retry_step integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      response_status integer,
      response_body text,
      latency_ms integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (tenant_id, id),
      CONSTRAINT webhook_deliveries_webhook_id UNIQUE (tenant_id, webhook_id),
      FOREIGN KEY (tenant_id, endpoint_id) REFERENCES notification.webhook_endpoints (tenant_id, id) ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON notification.webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_log_idx ON notification.webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC)`);

    for (const table of TABLES) for (const sql of enableTenantRls(table)) await q.query(sql);
    const flag = `current_setting('app.webhook_delivery', true) = 'on'`;
    await q.query(`CREATE POLICY webhook_delivery_select ON notification.webhook_deliveries FOR SELECT USING (${flag} AND status = 'pending')`);
    await q.query(`CREATE POLICY webhook_delivery_update ON notification.webhook_deliveries FOR UPDATE USING (${flag} AND status = 'pending') WITH CHECK (${flag})`);
    await q.query(`CREATE POLICY webhook_delivery_select ON notification.webhook_endpoints FOR SELECT USING (${flag})`);

    await q.query(`ALTER TABLE notification.notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`ALTER TABLE notification.notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${KINDS_BEFORE}, 'webhook_disabled'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notification.notifications WHERE kind = 'webhook_disabled'`);
    await q.query(`ALTER TABLE notification.notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`ALTER TABLE notification.notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${KINDS_BEFORE}))`);
    await q.query(`DROP POLICY IF EXISTS webhook_delivery_select ON notification.webhook_endpoints`);
    await q.query(`DROP POLICY IF EXISTS webhook_delivery_update ON notification.webhook_deliveries`);
    await q.query(`DROP POLICY IF EXISTS webhook_delivery_select ON notification.webhook_deliveries`);
    for (const table of [...TABLES].reverse()) for (const sql of disableTenantRls(table)) await q.query(sql);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
