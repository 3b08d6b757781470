import { Injectable } from '@nestjs/common';
import { isoTime, TenantDatabase, type Tx } from '@engage/database';

/** A tenant's Gmail settings as stored (no row: the defaults). */
export interface GmailSettingsRow {
  initial_sync_days: number | null;
  store_bodies: boolean;
  body_retention_days: number | null;
  updated_at: string | null;
}

export type GmailSettingsWrite = Partial<Pick<GmailSettingsRow, 'initial_sync_days' | 'store_bodies' | 'body_retention_days'>>;

const COLUMNS = `initial_sync_days, store_bodies, body_retention_days, ${isoTime('updated_at')} AS updated_at`;

/** A stored body to write: the activity it belongs to, sealed, and its length. */
export interface EmailBodyWrite {
  activity_id: string;
  body_sealed: string;
  chars: number;
}

/** SQL of `activity.gmail_settings` and `activity.email_bodies`; every method names the tenant. */
@Injectable()
export class GmailSettingsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async find(tenantId: string): Promise<GmailSettingsRow | null> {
    const rows = await this.db.transaction(tenantId, (tx) => tx.query<GmailSettingsRow>(`SELECT ${COLUMNS} FROM activity.gmail_settings WHERE tenant_id = $1`, [tenantId]));
    return rows[0] ?? null;
  }

  /** Sets the fields given (others kept, or defaulted for a first write). */
  async upsert(tx: Tx, tenantId: string, w: GmailSettingsWrite, updatedBy: string | null): Promise<GmailSettingsRow> {
    const rows = await tx.query<GmailSettingsRow>(
      `INSERT INTO activity.gmail_settings AS s (tenant_id, initial_sync_days, store_bodies, body_retention_days, updated_by)
       VALUES ($1, $3, coalesce($5, false), $7, $8)
       ON CONFLICT (tenant_id) DO UPDATE SET
         initial_sync_days = CASE WHEN $2 THEN EXCLUDED.initial_sync_days ELSE s.initial_sync_days END,
         store_bodies = CASE WHEN $4 THEN EXCLUDED.store_bodies ELSE s.store_bodies END,
         body_retention_days = CASE WHEN $6 THEN EXCLUDED.body_retention_days ELSE s.body_retention_days END,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        tenantId,
        w.initial_sync_days !== undefined,
        w.initial_sync_days ?? null,
        w.store_bodies !== undefined,
        w.store_bodies ?? null,
        w.body_retention_days !== undefined,
        w.body_retention_days ?? null,
        updatedBy,
      ],
    );
    return rows[0];
  }

  async insertBodies(tx: Tx, tenantId: string, bodies: readonly EmailBodyWrite[]): Promise<void> {
    if (bodies.length === 0) return;
    await tx.query(
      `INSERT INTO activity.email_bodies (tenant_id, activity_id, body_sealed, chars)
       SELECT $1, b.activity_id, b.body_sealed, b.chars FROM jsonb_to_recordset($2::jsonb) AS b (activity_id uuid, body_sealed text, chars integer)
       ON CONFLICT (tenant_id, activity_id) DO NOTHING`,
      [tenantId, JSON.stringify(bodies)],
    );
  }

  async findBody(tenantId: string, activityId: string): Promise<{ body_sealed: string } | null> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query<{ body_sealed: string }>(`SELECT body_sealed FROM activity.email_bodies WHERE tenant_id = $1 AND activity_id = $2`, [tenantId, activityId]),
    );
    return rows[0] ?? null;
  }

  /** Every stored body of the tenant (storing was turned off); how many. */
  async deleteAllBodies(tx: Tx, tenantId: string): Promise<number> {
    return (await tx.query(`DELETE FROM activity.email_bodies WHERE tenant_id = $1 RETURNING activity_id`, [tenantId])).length;
  }

  /** Bodies stored more than `days` ago; how many. */
  async deleteBodiesOlderThan(tenantId: string, days: number): Promise<number> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query(`DELETE FROM activity.email_bodies WHERE tenant_id = $1 AND created_at < now() - $2 * interval '1 day' RETURNING activity_id`, [tenantId, days]),
    );
    return rows.length;
  }
}
