import { Injectable } from '@nestjs/common';
import type { ConsentType, ConsentView, ContactChannel, DncEntryView } from '@engage/contracts';
import { type Cursor, isoTime, TenantDatabase, type Tx } from '@engage/database';
import type { LatestConsent } from './gate-decision';

const CONSENT_VIEW = `c.id, c.phone, c.contact_id, c.type, c.status, c.source, c.evidence,
  ${isoTime('c.expires_at')} AS expires_at, c.recorded_by, ${isoTime('c.created_at')} AS created_at`;
const DNC_VIEW = `d.phone, d.reason, d.source, d.added_by, ${isoTime('d.created_at')} AS created_at`;

export interface ConsentWrite {
  phone: string;
  contact_id: string | null;
  type: ConsentType;
  status: 'granted' | 'revoked';
  source: string;
  evidence: string | null;
  expires_at: string | null;
  recorded_by: string | null;
}

export interface FrequencyCaps {
  per_number_daily_cap: number;
  tenant_daily_cap: number;
}

/** What a tenant gets until it sets its own caps: three attempts a day per number. */
export const DEFAULT_CAPS: FrequencyCaps = { per_number_daily_cap: 3, tenant_daily_cap: 5000 };

export type ConsentListRow = ConsentView & { sort_value: string };
export type DncListRow = DncEntryView & { id: string; sort_value: string };

/** SQL of the consent ledger, the internal DNC list and the contact attempts; every method takes the tenant. */
@Injectable()
export class ComplianceRepository {
  constructor(private readonly db: TenantDatabase) {}

  async insertConsent(tx: Tx, tenantId: string, id: string, w: ConsentWrite): Promise<ConsentView> {
    const rows: ConsentView[] = await tx.query(
      `INSERT INTO telephony.consents AS c (tenant_id, id, phone, contact_id, type, status, source, evidence, expires_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${CONSENT_VIEW}`,
      [tenantId, id, w.phone, w.contact_id, w.type, w.status, w.source, w.evidence, w.expires_at, w.recorded_by],
    );
    return rows[0];
  }

  /** The row that decides: the latest per (number, type); whether it is valid now is the gate's decision. */
  async latestConsent(tx: Tx, tenantId: string, phone: string, type: ContactChannel): Promise<LatestConsent | null> {
    const rows: Array<{ status: 'granted' | 'revoked'; expires_at: Date | null }> = await tx.query(
      `SELECT status, expires_at FROM telephony.consents WHERE tenant_id = $1 AND phone = $2 AND type = $3
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      [tenantId, phone, type],
    );
    const latest = rows[0];
    return latest ? { status: latest.status, expires_at: latest.expires_at === null ? null : new Date(latest.expires_at) } : null;
  }

  async listConsents(tenantId: string, filter: { phone?: string; type?: ConsentType; after: Cursor | null; take: number }): Promise<ConsentListRow[]> {
    return this.db.readInTenant<ConsentListRow>(tenantId, (l) => {
      const where = [`c.tenant_id = ${l(tenantId)}`];
      if (filter.phone) where.push(`c.phone = ${l(filter.phone)}`);
      if (filter.type) where.push(`c.type = ${l(filter.type)}`);
      if (filter.after) where.push(`(c.created_at, c.id) < (${l(String(filter.after.v))}::timestamptz, ${l(filter.after.id)}::uuid)`);
      return `SELECT ${CONSENT_VIEW}, ${isoTime('c.created_at')} AS sort_value FROM telephony.consents c
               WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ${l(filter.take)}`;
    });
  }

  /** Adds the number to the internal DNC list; an existing entry is kept as it was (first reason wins). */
  async addDnc(tx: Tx, tenantId: string, phone: string, reason: string | null, source: string, addedBy: string | null): Promise<DncEntryView> {
    await tx.query(
      `INSERT INTO telephony.dnc_entries (tenant_id, phone, reason, source, added_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, phone) DO NOTHING`,
      [tenantId, phone, reason, source, addedBy],
    );
    const rows: DncEntryView[] = await tx.query(`SELECT ${DNC_VIEW} FROM telephony.dnc_entries d WHERE d.tenant_id = $1 AND d.phone = $2`, [tenantId, phone]);
    return rows[0];
  }

  async removeDnc(tx: Tx, tenantId: string, phone: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`DELETE FROM telephony.dnc_entries WHERE tenant_id = $1 AND phone = $2 RETURNING phone`, [tenantId, phone]);
    return rows.length > 0;
  }

  async isOnDnc(tx: Tx, tenantId: string, phone: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM telephony.dnc_entries WHERE tenant_id = $1 AND phone = $2`, [tenantId, phone]);
    return rows.length > 0;
  }

  /** Newest first; the cursor's id is the number (the list's key). */
  async listDnc(tenantId: string, filter: { after: Cursor | null; take: number }): Promise<DncListRow[]> {
    return this.db.readInTenant<DncListRow>(tenantId, (l) => {
      const where = [`d.tenant_id = ${l(tenantId)}`];
      if (filter.after) where.push(`(d.created_at, d.phone) < (${l(String(filter.after.v))}::timestamptz, ${l(filter.after.id)})`);
      return `SELECT ${DNC_VIEW}, d.phone AS id, ${isoTime('d.created_at')} AS sort_value FROM telephony.dnc_entries d
               WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.phone DESC LIMIT ${l(filter.take)}`;
    });
  }

  async caps(tx: Tx, tenantId: string): Promise<FrequencyCaps> {
    const rows: FrequencyCaps[] = await tx.query(
      `SELECT per_number_daily_cap, tenant_daily_cap FROM telephony.compliance_settings WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ?? DEFAULT_CAPS;
  }

  async setCaps(tx: Tx, tenantId: string, caps: FrequencyCaps): Promise<void> {
    await tx.query(
      `INSERT INTO telephony.compliance_settings (tenant_id, per_number_daily_cap, tenant_daily_cap) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET per_number_daily_cap = EXCLUDED.per_number_daily_cap, tenant_daily_cap = EXCLUDED.tenant_daily_cap, updated_at = now()`,
      [tenantId, caps.per_number_daily_cap, caps.tenant_daily_cap],
    );
  }

  /**
   * Serialises the tenant's outbound attempts until the transaction ends, so that counting the
   * attempts of the last 24 hours and recording a new one cannot interleave between two requests:
   * ten parallel calls against a cap of three place exactly three.
   */
  async lockAttempts(tx: Tx, tenantId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('telephony.attempts:' || $1, 0))`, [tenantId]);
  }

  async countAttemptsSince(tx: Tx, tenantId: string, since: Date, phone?: string): Promise<number> {
    const rows: Array<{ n: number }> = await tx.query(
      `SELECT count(*)::int AS n FROM telephony.contact_attempts
        WHERE tenant_id = $1 AND attempted_at > $2 AND ($3::text IS NULL OR phone = $3::text)`,
      [tenantId, since, phone ?? null],
    );
    return rows[0].n;
  }

  async recordAttempt(tx: Tx, tenantId: string, id: string, phone: string, channel: ContactChannel, at: Date): Promise<void> {
    await tx.query(`INSERT INTO telephony.contact_attempts (tenant_id, id, phone, channel, attempted_at) VALUES ($1, $2, $3, $4, $5)`, [
      tenantId,
      id,
      phone,
      channel,
      at,
    ]);
  }
}
