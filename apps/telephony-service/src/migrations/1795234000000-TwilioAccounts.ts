import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

/**
 * A tenant's own Twilio account (a subaccount of the platform's, or one it brought): calls, texts
 * and recordings of that tenant go through it, and its callbacks are signed with its token. The
 * auth token is stored sealed (AES-256-GCM with the tenant's data key, SecretBox), never in clear.
 * No row = the tenant uses the platform account.
 */
export class TwilioAccounts1795234000000 implements MigrationInterface {
  name = 'TwilioAccounts1795234000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE telephony.twilio_accounts (
      tenant_id uuid PRIMARY KEY,
      account_sid text NOT NULL CHECK (account_sid ~ '^AC[0-9a-fA-F]{32}$'),
      auth_token_sealed text NOT NULL,
      friendly_name text,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    for (const sql of enableTenantRls('telephony.twilio_accounts')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of disableTenantRls('telephony.twilio_accounts')) await q.query(sql);
    await q.query(`DROP TABLE telephony.twilio_accounts`);
  }
}
