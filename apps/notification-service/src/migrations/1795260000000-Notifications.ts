import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const TABLES = [
  'notification.user_streams',
  'notification.stream_entries',
  'notification.notifications',
  'notification.notification_preferences',
  'notification.record_owners',
  'notification.broadcasts',
];

/**
 * What notification-service keeps. Tenant data, under row-level security:
 *
 * - `user_streams`: each user's latest realtime `seq`. Appending an entry bumps it with
 *   `UPDATE … SET seq = seq + 1 RETURNING seq`, whose row lock serialises concurrent appends for
 *   one user, so seqs are 1, 2, 3… without gaps even when several consumers append at once.
 * - `stream_entries`: the entries of each user's stream (what the gateway replays after a client's
 *   `after`), kept for NOTIFICATION_STREAM_RETENTION_DAYS; `created_at` drives the retention job.
 * - `notifications`: the inbox. `kind` says where it came from (mention, assignment,
 *   import_completed, broadcast…); `source_key` makes each source event one notification per
 *   user, however often it is delivered.
 * - `notification_preferences`: per user and kind, whether it shows in the inbox (`in_app`) and
 *   whether it is also mailed (`email`). No row: the defaults (in-app yes, email no).
 * - `record_owners`: who owns each contact and deal, projected from crm-service's events, to know
 *   whose stream an `activity.created` belongs in.
 * - `broadcasts`: what admins announced to everyone in the tenant.
 *
 * The retention job deletes old stream entries of every tenant (cross-tenant reason
 * `stream_retention`, which allows SELECT and DELETE on stream_entries only).
 */
export class Notifications1795260000000 implements MigrationInterface {
  name = 'Notifications1795260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notification.user_streams (
      tenant_id uuid NOT NULL, user_id uuid NOT NULL,
      seq bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
      PRIMARY KEY (tenant_id, user_id))`);
    await q.query(`CREATE TABLE notification.stream_entries (
      tenant_id uuid NOT NULL, user_id uuid NOT NULL, seq bigint NOT NULL CHECK (seq > 0),
      type text NOT NULL CHECK (type IN ('notification', 'activity.created', 'call.updated', 'import.progress')),
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (tenant_id, user_id, seq))`);
    await q.query(`CREATE INDEX stream_entries_created_idx ON notification.stream_entries (created_at)`);

    await q.query(`CREATE TABLE notification.notifications (
      tenant_id uuid NOT NULL, id uuid NOT NULL, user_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('mention', 'assignment', 'import_completed', 'broadcast', 'gmail_reconsent')),
      title text NOT NULL CHECK (char_length(title) <= 200),
      body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 10000),
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      source_key text NOT NULL,
      read_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (tenant_id, id),
      CONSTRAINT notifications_source_key UNIQUE (tenant_id, user_id, source_key))`);
    await q.query(`CREATE INDEX notifications_user_idx ON notification.notifications (tenant_id, user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notification.notifications (tenant_id, user_id, created_at DESC, id DESC) WHERE read_at IS NULL`);

    await q.query(`CREATE TABLE notification.notification_preferences (
      tenant_id uuid NOT NULL, user_id uuid NOT NULL, kind text NOT NULL,
      in_app boolean NOT NULL, email boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id, kind))`);

    await q.query(`CREATE TABLE notification.record_owners (
      tenant_id uuid NOT NULL, record_type text NOT NULL CHECK (record_type IN ('contact', 'deal')),
      record_id uuid NOT NULL, owner_id uuid,
      PRIMARY KEY (tenant_id, record_type, record_id))`);

    await q.query(`CREATE TABLE notification.broadcasts (
      tenant_id uuid NOT NULL, id uuid NOT NULL, author_id uuid,
      title text NOT NULL, body text NOT NULL, recipients integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id))`);

    for (const table of TABLES) for (const sql of enableTenantRls(table)) await q.query(sql);
    for (const command of ['SELECT', 'DELETE']) {
      await q.query(`CREATE POLICY retention_${command.toLowerCase()} ON notification.stream_entries FOR ${command}
        USING (current_setting('app.stream_retention', true) = 'on')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const command of ['select', 'delete']) await q.query(`DROP POLICY IF EXISTS retention_${command} ON notification.stream_entries`);
    for (const table of [...TABLES].reverse()) for (const sql of disableTenantRls(table)) await q.query(sql);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
