import { Injectable } from '@nestjs/common';
import { isoTime, type PreparedRead, TenantDatabase, type Tx } from '@engage/database';

/** A tenant's own Twilio account as stored: the auth token only ever sealed (SecretBox, the tenant's scope). */
export interface TwilioAccountRow {
  account_sid: string;
  auth_token_sealed: string;
  friendly_name: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export type TwilioAccountWrite = Pick<TwilioAccountRow, 'account_sid' | 'auth_token_sealed' | 'friendly_name' | 'created_by'>;

const COLUMNS = `account_sid, auth_token_sealed, friendly_name, created_by, ${isoTime('created_at')} AS created_at, ${isoTime('updated_at')} AS updated_at`;

const ACCOUNT_OF_TENANT: PreparedRead = {
  name: 'telephony_twilio_account_of_tenant',
  text: `SELECT ${COLUMNS} FROM telephony.twilio_accounts WHERE tenant_id = $1`,
};

/** SQL of `telephony.twilio_accounts` (one row per tenant that has its own account); every method takes the tenant. */
@Injectable()
export class TwilioAccountsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async find(tenantId: string): Promise<TwilioAccountRow | null> {
    const rows = await this.db.read<TwilioAccountRow>(tenantId, ACCOUNT_OF_TENANT, [tenantId]);
    return rows[0] ?? null;
  }

  /** The row, locked until the transaction ends, so two admins changing the account apply one after the other. */
  async lock(tx: Tx, tenantId: string): Promise<TwilioAccountRow | null> {
    const rows: TwilioAccountRow[] = await tx.query(`SELECT ${COLUMNS} FROM telephony.twilio_accounts WHERE tenant_id = $1 FOR UPDATE`, [tenantId]);
    return rows[0] ?? null;
  }

  async upsert(tx: Tx, tenantId: string, w: TwilioAccountWrite): Promise<TwilioAccountRow> {
    const rows: TwilioAccountRow[] = await tx.query(
      `INSERT INTO telephony.twilio_accounts (tenant_id, account_sid, auth_token_sealed, friendly_name, created_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id) DO UPDATE SET account_sid = EXCLUDED.account_sid, auth_token_sealed = EXCLUDED.auth_token_sealed,
         friendly_name = EXCLUDED.friendly_name, created_by = EXCLUDED.created_by, created_at = now(), updated_at = now()
       RETURNING ${COLUMNS}`,
      [tenantId, w.account_sid, w.auth_token_sealed, w.friendly_name, w.created_by],
    );
    return rows[0];
  }

  /** Removes the tenant's own account: it is back on the platform account. Answers what was removed. */
  async remove(tx: Tx, tenantId: string): Promise<TwilioAccountRow | null> {
    const rows: TwilioAccountRow[] = await tx.query(`DELETE FROM telephony.twilio_accounts WHERE tenant_id = $1 RETURNING ${COLUMNS}`, [tenantId]);
    return rows[0] ?? null;
  }
}
