import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const TABLES = ['activity.gmail_connections', 'activity.gmail_oauth_states'];

/**
 * Gmail sync (SPEC sections 4 and 6). Tenant data, under row-level security:
 *
 * - `gmail_connections`: one mailbox per user, its Google refresh token only ever sealed
 *   (SecretBox, the tenant's data key), and the sync's state: the history id the next incremental
 *   sync reads from, the first sync's page token (a restarted first sync resumes where it was), a
 *   lease (one sync per mailbox at a time, across replicas) and a "sync requested" flag (a push
 *   that arrives during a sync is never lost: the sync runs again), plus the health the API shows.
 *   A mailbox is connected once per tenant (two users of a tenant cannot both sync it).
 * - `gmail_oauth_states`: one row per consent screen opened: the state (stored as its hash) and
 *   the PKCE verifier (sealed), bound to the user who asked, usable once, for ten minutes.
 *
 * A Pub/Sub push names only the mailbox's address, and the safety-net poll looks for connections
 * due of every tenant: both read connections under the cross-tenant reason `mail_sync`, which
 * lets them see connection rows (nothing else, and not change them).
 */
export class GmailSync1795280000000 implements MigrationInterface {
  name = 'GmailSync1795280000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE activity.gmail_connections (
      tenant_id uuid NOT NULL, user_id uuid NOT NULL,
      email_address text NOT NULL CHECK (email_address = lower(email_address) AND char_length(email_address) <= 320),
      refresh_token_sealed text NOT NULL,
      status text NOT NULL CHECK (status IN ('syncing', 'healthy', 'needs_reconsent', 'error')),
      history_id text CHECK (history_id ~ '^[0-9]{1,20}$'),
      initial_sync_done boolean NOT NULL DEFAULT false,
      full_sync_page_token text,
      full_sync_history_id text CHECK (full_sync_history_id ~ '^[0-9]{1,20}$'),
      sync_requested boolean NOT NULL DEFAULT true,
      lease_until timestamptz,
      last_attempt_at timestamptz,
      last_sync_at timestamptz,
      messages_imported bigint NOT NULL DEFAULT 0,
      messages_seen bigint NOT NULL DEFAULT 0,
      full_resyncs integer NOT NULL DEFAULT 0,
      last_error text CHECK (char_length(last_error) <= 500),
      last_error_at timestamptz,
      watch_expires_at timestamptz,
      connected_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id),
      CONSTRAINT gmail_connections_address_key UNIQUE (tenant_id, email_address))`);
    // A push finds its mailbox's connections (in any tenant) by address; the poll finds the least recently tried.
    await q.query(`CREATE INDEX gmail_connections_address_idx ON activity.gmail_connections (email_address)`);
    await q.query(`CREATE INDEX gmail_connections_due_idx ON activity.gmail_connections (last_attempt_at NULLS FIRST) WHERE status <> 'needs_reconsent'`);

    await q.query(`CREATE TABLE activity.gmail_oauth_states (
      tenant_id uuid NOT NULL, state_hash text NOT NULL, user_id uuid NOT NULL,
      code_verifier_sealed text NOT NULL, expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, state_hash))`);
    await q.query(`CREATE INDEX gmail_oauth_states_expiry_idx ON activity.gmail_oauth_states (tenant_id, expires_at)`);

    for (const table of TABLES) for (const sql of enableTenantRls(table)) await q.query(sql);
    await q.query(`CREATE POLICY mail_sync_select ON activity.gmail_connections FOR SELECT USING (current_setting('app.mail_sync', true) = 'on')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS mail_sync_select ON activity.gmail_connections`);
    for (const table of [...TABLES].reverse()) for (const sql of disableTenantRls(table)) await q.query(sql);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
