import { Injectable } from '@nestjs/common';
import type { CallMode, CallStatus, CallView } from '@engage/contracts';
import { type Cursor, isoTime, TenantDatabase, type Tx } from '@engage/database';

const VIEW = `c.id, c.status, c.contact_id, c.owner_id, c.to_number AS "to", c.from_number AS "from", c.rep_phone,
  'outbound' AS direction, c.mode, c.record, c.duration_s, c.disposition, c.notes,
  ${isoTime('c.started_at')} AS started_at, ${isoTime('c.answered_at')} AS answered_at, ${isoTime('c.ended_at')} AS ended_at,
  ${isoTime('c.created_at')} AS created_at, ${isoTime('c.updated_at')} AS updated_at, c.version`;

export interface CallInsert {
  contact_id: string;
  owner_id: string;
  to: string;
  from: string;
  rep_phone: string;
  mode: CallMode;
  record: boolean;
  /** Known at once for a browser call (the browser leg's CallSid); set after Twilio accepts a bridged one. */
  rep_call_sid?: string | null;
}

export type CallRow = CallView & { rep_call_sid: string | null; contact_call_sid: string | null };
export type CallListRow = CallView & { sort_value: string };

/** SQL of calls and the provider callbacks applied to them; every method takes the tenant. */
@Injectable()
export class CallsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async insert(tx: Tx, tenantId: string, id: string, w: CallInsert): Promise<CallView> {
    const rows: CallView[] = await tx.query(
      `INSERT INTO telephony.calls AS c (tenant_id, id, contact_id, owner_id, to_number, from_number, rep_phone, mode, record, rep_call_sid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${VIEW}`,
      [tenantId, id, w.contact_id, w.owner_id, w.to, w.from, w.rep_phone, w.mode, w.record, w.rep_call_sid ?? null],
    );
    return rows[0];
  }

  async findById(tenantId: string, id: string): Promise<CallView | null> {
    const rows = await this.db.read<CallView>(tenantId, { name: 'telephony_call_by_id', text: `SELECT ${VIEW} FROM telephony.calls c WHERE c.tenant_id = $1 AND c.id = $2` }, [tenantId, id]);
    return rows[0] ?? null;
  }

  /**
   * The call, locked until the transaction ends: its callbacks and edits apply one at a time. (No
   * key update: recording a callback, which only references the call, does not wait for the lock.)
   */
  async lock(tx: Tx, tenantId: string, id: string): Promise<CallRow | null> {
    const rows: CallRow[] = await tx.query(`SELECT ${VIEW}, c.rep_call_sid, c.contact_call_sid FROM telephony.calls c WHERE c.tenant_id = $1 AND c.id = $2 FOR NO KEY UPDATE`, [
      tenantId,
      id,
    ]);
    return rows[0] ?? null;
  }

  /** The browser call placed by this CallSid of the browser's leg, if the TwiML webhook already let it through. */
  async findByRepCallSid(tx: Tx, tenantId: string, sid: string): Promise<CallView | null> {
    const rows: CallView[] = await tx.query(`SELECT ${VIEW} FROM telephony.calls c WHERE c.tenant_id = $1 AND c.rep_call_sid = $2`, [tenantId, sid]);
    return rows[0] ?? null;
  }

  async setRepCallSid(tenantId: string, id: string, sid: string): Promise<void> {
    await this.db.transaction(tenantId, (tx) => tx.query(`UPDATE telephony.calls SET rep_call_sid = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, sid]));
  }

  async setContactCallSid(tx: Tx, tenantId: string, id: string, sid: string): Promise<void> {
    await tx.query(`UPDATE telephony.calls SET contact_call_sid = $3 WHERE tenant_id = $1 AND id = $2 AND contact_call_sid IS NULL`, [tenantId, id, sid]);
  }

  /**
   * Records a provider callback once: false when this (CallSid, CallStatus, SequenceNumber) was
   * already applied, which is how a duplicate delivery (Twilio retries, parallel replays) becomes a
   * no-op, or when the tenant has no such call.
   */
  async recordCallback(tx: Tx, tenantId: string, callId: string, sid: string, status: string, sequence: number): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO telephony.call_callbacks (tenant_id, call_sid, call_status, sequence_number, call_id)
       SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM telephony.calls WHERE tenant_id = $1 AND id = $5)
       ON CONFLICT DO NOTHING RETURNING call_sid`,
      [tenantId, sid, status, sequence, callId],
    );
    return rows.length > 0;
  }

  /**
   * Moves the call to `status` only if that is later in its life than where it is now (the ranks
   * are telephony.call_status_rank); null when it is not, so a late or reordered callback changes
   * nothing. Reaching a final status stamps the end and the duration and takes two versions: one
   * for `call.updated`, one for `call.completed`.
   */
  async advance(tx: Tx, tenantId: string, id: string, status: CallStatus, final: boolean, durationS: number | null): Promise<CallView | null> {
    const rows: CallView[] = await tx.query(
      `UPDATE telephony.calls c SET status = $3,
              answered_at = CASE WHEN $3 = 'in-progress' THEN coalesce(c.answered_at, now()) ELSE c.answered_at END,
              ended_at = CASE WHEN $4 THEN now() ELSE c.ended_at END,
              duration_s = CASE WHEN $4 THEN $5::int ELSE c.duration_s END,
              version = c.version + CASE WHEN $4 THEN 2 ELSE 1 END, updated_at = now()
        WHERE c.tenant_id = $1 AND c.id = $2 AND telephony.call_status_rank(c.status) < telephony.call_status_rank($3)
        RETURNING ${VIEW}`,
      [tenantId, id, status, final, durationS],
    );
    return rows[0] ?? null;
  }

  async updateNotes(tx: Tx, tenantId: string, id: string, fields: { disposition: string | null; notes: string | null }): Promise<CallView> {
    const rows: CallView[] = await tx.query(
      `UPDATE telephony.calls c SET disposition = $3, notes = $4, version = c.version + 1, updated_at = now()
        WHERE c.tenant_id = $1 AND c.id = $2 RETURNING ${VIEW}`,
      [tenantId, id, fields.disposition, fields.notes],
    );
    return rows[0];
  }

  async list(tenantId: string, filter: { contact_id?: string; status?: CallStatus; after: Cursor | null; take: number }): Promise<CallListRow[]> {
    return this.db.readInTenant<CallListRow>(tenantId, (l) => {
      const where = [`c.tenant_id = ${l(tenantId)}`];
      if (filter.contact_id) where.push(`c.contact_id = ${l(filter.contact_id)}::uuid`);
      if (filter.status) where.push(`c.status = ${l(filter.status)}`);
      if (filter.after) where.push(`(c.created_at, c.id) < (${l(String(filter.after.v))}::timestamptz, ${l(filter.after.id)}::uuid)`);
      return `SELECT ${VIEW}, ${isoTime('c.created_at')} AS sort_value FROM telephony.calls c
               WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ${l(filter.take)}`;
    });
  }
}
