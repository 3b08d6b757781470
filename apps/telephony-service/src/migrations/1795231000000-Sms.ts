import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const TENANT_TABLES = ['telephony.sms_messages', 'telephony.sms_numbers', 'telephony.sms_threads'];

/** The routing tables an inbound text is matched against before any tenant is known. */
const ROUTING_TABLES = ['telephony.sms_numbers', 'telephony.sms_threads'];

/**
 * Texts, and what routes an inbound one to its tenants. Everything here is tenant data (RLS):
 *
 * - `sms_messages`: outbound and inbound texts. A provider MessageSid is unique per tenant, so a
 *   duplicate delivery of an inbound text inserts nothing; outbound statuses only move forward, by
 *   `telephony.sms_status_rank()` in the UPDATE itself (as `call_status_rank` does for calls). An
 *   automatic keyword reply points at the inbound text it answers (`reply_to`, unique), so there is
 *   at most one per text.
 * - `sms_numbers`: the numbers a tenant sends from as its own (claimed the first time it sends
 *   from one; a number belongs to one tenant). A text to one belongs to that tenant.
 * - `sms_threads`: who this tenant has texted from which of our numbers (and the contact it was).
 *   The shared platform number (TWILIO_FROM_NUMBER / TWILIO_PHONE_NUMBER) belongs to no tenant: a
 *   text to it belongs to every tenant that has texted the sender from it, so a STOP there revokes
 *   for each of them and nobody else.
 *
 * Only the routing tables are readable across tenants, for reading only, and only with
 * `app.sms_routing = on` (TenantDatabase.acrossTenants('sms_routing')); the texts themselves never are.
 */
export class Sms1795231000000 implements MigrationInterface {
  name = 'Sms1795231000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION telephony.sms_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 ELSE 2 END $$`);
    await q.query(`CREATE TABLE telephony.sms_messages (
      tenant_id uuid NOT NULL, id uuid NOT NULL,
      direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
      status text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'received')),
      contact_id uuid, owner_id uuid,
      to_number text NOT NULL, from_number text NOT NULL, body text NOT NULL,
      message_sid text, error_code text,
      keyword text CHECK (keyword IN ('opt_out', 'opt_in')),
      reply_to uuid,
      accepted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(), updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      version integer NOT NULL DEFAULT 1,
      PRIMARY KEY (tenant_id, id),
      CHECK ((direction = 'inbound') = (status = 'received')),
      FOREIGN KEY (tenant_id, reply_to) REFERENCES telephony.sms_messages (tenant_id, id) ON DELETE CASCADE)`);
    await q.query(`CREATE UNIQUE INDEX sms_messages_sid_idx ON telephony.sms_messages (tenant_id, message_sid) WHERE message_sid IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX sms_messages_reply_idx ON telephony.sms_messages (tenant_id, reply_to) WHERE reply_to IS NOT NULL`);
    await q.query(`CREATE INDEX sms_messages_created_idx ON telephony.sms_messages (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX sms_messages_contact_idx ON telephony.sms_messages (tenant_id, contact_id, created_at DESC, id DESC)`);

    await q.query(`CREATE TABLE telephony.sms_numbers (
      tenant_id uuid NOT NULL, phone_number text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, phone_number))`);
    // The routing lookup starts from the number, before any tenant is known.
    await q.query(`CREATE INDEX sms_numbers_number_idx ON telephony.sms_numbers (phone_number)`);

    await q.query(`CREATE TABLE telephony.sms_threads (
      tenant_id uuid NOT NULL, our_number text NOT NULL, their_number text NOT NULL, contact_id uuid,
      last_sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, our_number, their_number))`);
    await q.query(`CREATE INDEX sms_threads_route_idx ON telephony.sms_threads (our_number, their_number)`);

    for (const table of TENANT_TABLES) for (const sql of enableTenantRls(table)) await q.query(sql);
    for (const table of ROUTING_TABLES) {
      await q.query(`CREATE POLICY sms_routing ON ${table} FOR SELECT USING (current_setting('app.sms_routing', true) = 'on')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ROUTING_TABLES) await q.query(`DROP POLICY IF EXISTS sms_routing ON ${table}`);
    for (const table of [...TENANT_TABLES].reverse()) for (const sql of disableTenantRls(table)) await q.query(sql);
    for (const table of [...TENANT_TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP FUNCTION telephony.sms_status_rank(text)`);
  }
}
