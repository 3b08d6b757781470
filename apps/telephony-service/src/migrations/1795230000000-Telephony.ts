import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const TENANT_TABLES = [
  'telephony.consents',
  'telephony.dnc_entries',
  'telephony.contact_attempts',
  'telephony.compliance_settings',
  'telephony.calls',
  'telephony.call_callbacks',
];

/**
 * The compliance ledger (consents, internal Do-Not-Call list, contact attempts for the frequency
 * caps, per-tenant cap settings) and calls with the provider callbacks already applied. The call
 * status order lives in one SQL function so that "never move backwards" is decided by the UPDATE
 * itself, not by code that read the row a moment earlier.
 */
export class Telephony1795230000000 implements MigrationInterface {
  name = 'Telephony1795230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE telephony.consents (
      tenant_id uuid NOT NULL, id uuid NOT NULL, phone text NOT NULL, contact_id uuid,
      type text NOT NULL CHECK (type IN ('call', 'sms', 'marketing')),
      status text NOT NULL CHECK (status IN ('granted', 'revoked')),
      source text NOT NULL, evidence text, expires_at timestamptz, recorded_by uuid,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE INDEX consents_latest_idx ON telephony.consents (tenant_id, phone, type, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX consents_created_idx ON telephony.consents (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE TABLE telephony.dnc_entries (
      tenant_id uuid NOT NULL, phone text NOT NULL, reason text, source text NOT NULL, added_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, phone))`);
    await q.query(`CREATE INDEX dnc_entries_created_idx ON telephony.dnc_entries (tenant_id, created_at DESC, phone)`);
    await q.query(`CREATE TABLE telephony.contact_attempts (
      tenant_id uuid NOT NULL, id uuid NOT NULL, phone text NOT NULL, channel text NOT NULL CHECK (channel IN ('call', 'sms')),
      attempted_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE INDEX contact_attempts_phone_idx ON telephony.contact_attempts (tenant_id, phone, attempted_at)`);
    await q.query(`CREATE INDEX contact_attempts_time_idx ON telephony.contact_attempts (tenant_id, attempted_at)`);
    await q.query(`CREATE TABLE telephony.compliance_settings (
      tenant_id uuid NOT NULL PRIMARY KEY,
      per_number_daily_cap integer NOT NULL CHECK (per_number_daily_cap >= 0),
      tenant_daily_cap integer NOT NULL CHECK (tenant_daily_cap >= 0),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE FUNCTION telephony.call_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE status WHEN 'queued' THEN 0 WHEN 'initiated' THEN 1 WHEN 'ringing' THEN 2 WHEN 'in-progress' THEN 3 ELSE 4 END $$`);
    await q.query(`CREATE TABLE telephony.calls (
      tenant_id uuid NOT NULL, id uuid NOT NULL, contact_id uuid NOT NULL, owner_id uuid NOT NULL,
      to_number text NOT NULL, from_number text NOT NULL, rep_phone text NOT NULL, mode text NOT NULL DEFAULT 'bridge',
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled')),
      rep_call_sid text, contact_call_sid text, duration_s integer, disposition text, notes text,
      started_at timestamptz NOT NULL DEFAULT now(), answered_at timestamptz, ended_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE INDEX calls_created_idx ON telephony.calls (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX calls_contact_idx ON telephony.calls (tenant_id, contact_id, created_at DESC)`);
    await q.query(`CREATE TABLE telephony.call_callbacks (
      tenant_id uuid NOT NULL, call_sid text NOT NULL, call_status text NOT NULL, sequence_number integer NOT NULL,
      call_id uuid NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, call_sid, call_status, sequence_number),
      FOREIGN KEY (tenant_id, call_id) REFERENCES telephony.calls (tenant_id, id) ON DELETE CASCADE)`);
    for (const table of TENANT_TABLES) for (const sql of enableTenantRls(table)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TENANT_TABLES].reverse()) for (const sql of disableTenantRls(table)) await q.query(sql);
    for (const table of [...TENANT_TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP FUNCTION telephony.call_status_rank(text)`);
  }
}
