import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

/**
 * Recordings of calls, as Twilio reports them by recording-status callback (the audio stays at the
 * provider and is streamed through the gateway on request), and browser calls: a call placed from
 * the Voice SDK in the browser is known by the CallSid of the browser's leg, which Twilio may post
 * to the TwiML webhook more than once, so that sid is unique per tenant.
 */
export class CallRecordings1795233000000 implements MigrationInterface {
  name = 'CallRecordings1795233000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE telephony.calls ADD COLUMN record boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE telephony.calls ADD CONSTRAINT calls_mode_check CHECK (mode IN ('bridge', 'browser'))`);
    await q.query(`CREATE UNIQUE INDEX calls_rep_call_sid_idx ON telephony.calls (tenant_id, rep_call_sid) WHERE rep_call_sid IS NOT NULL`);
    await q.query(`CREATE FUNCTION telephony.recording_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE status WHEN 'in-progress' THEN 0 WHEN 'paused' THEN 0 WHEN 'stopped' THEN 1 WHEN 'processing' THEN 1 ELSE 2 END $$`);
    await q.query(`CREATE TABLE telephony.call_recordings (
      tenant_id uuid NOT NULL, sid text NOT NULL, call_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('in-progress', 'paused', 'stopped', 'processing', 'completed', 'absent', 'failed', 'deleted')),
      duration_s integer, channels integer, source text, error_code text,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(), deleted_at timestamptz,
      PRIMARY KEY (tenant_id, sid),
      FOREIGN KEY (tenant_id, call_id) REFERENCES telephony.calls (tenant_id, id) ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX call_recordings_call_idx ON telephony.call_recordings (tenant_id, call_id, created_at DESC)`);
    for (const sql of enableTenantRls('telephony.call_recordings')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of disableTenantRls('telephony.call_recordings')) await q.query(sql);
    await q.query(`DROP TABLE telephony.call_recordings`);
    await q.query(`DROP FUNCTION telephony.recording_status_rank(text)`);
    await q.query(`DROP INDEX telephony.calls_rep_call_sid_idx`);
    await q.query(`ALTER TABLE telephony.calls DROP CONSTRAINT calls_mode_check`);
    await q.query(`ALTER TABLE telephony.calls DROP COLUMN record`);
  }
}
