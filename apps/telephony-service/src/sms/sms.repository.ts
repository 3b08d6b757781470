import { Injectable } from '@nestjs/common';
import type { SmsKeywordEffect, SmsStatus, SmsView } from '@engage/contracts';
import { type Cursor, isoTime, type PreparedRead, TenantDatabase, type Tx } from '@engage/database';

const VIEW = `s.id, s.direction, s.status, s.contact_id, s.owner_id, s.to_number AS "to", s.from_number AS "from", s.body, s.error_code,
  ${isoTime('s.created_at')} AS created_at, ${isoTime('s.updated_at')} AS updated_at, s.version`;

const SMS_BY_ID: PreparedRead = {
  name: 'telephony_sms_by_id',
  text: `SELECT ${VIEW} FROM telephony.sms_messages s WHERE s.tenant_id = $1 AND s.id = $2`,
};

export interface OutboundSmsInsert {
  contact_id: string | null;
  owner_id: string | null;
  to: string;
  from: string;
  body: string;
  /** The inbound text an automatic keyword reply answers (at most one reply per text). */
  reply_to?: string | null;
}

export interface InboundSmsInsert {
  contact_id: string | null;
  owner_id: string | null;
  to: string;
  from: string;
  body: string;
  message_sid: string;
  keyword: SmsKeywordEffect | null;
}

export type SmsRow = SmsView & { message_sid: string | null };
export type SmsListRow = SmsView & { sort_value: string };

/** A tenant an inbound text belongs to, and the contact that tenant last texted at the sender's number. */
export interface InboundRoute {
  tenant_id: string;
  thread_contact_id: string | null;
}

/** SQL of texts, the tenant's sending numbers and who each tenant texted; every tenant method takes the tenant. */
@Injectable()
export class SmsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async insertOutbound(tx: Tx, tenantId: string, id: string, w: OutboundSmsInsert): Promise<SmsView> {
    const rows: SmsView[] = await tx.query(
      `INSERT INTO telephony.sms_messages AS s (tenant_id, id, direction, status, contact_id, owner_id, to_number, from_number, body, reply_to)
       VALUES ($1, $2, 'outbound', 'queued', $3, $4, $5, $6, $7, $8) RETURNING ${VIEW}`,
      [tenantId, id, w.contact_id, w.owner_id, w.to, w.from, w.body, w.reply_to ?? null],
    );
    return rows[0];
  }

  /**
   * Records an inbound text once per tenant: null when this MessageSid is already there, which is
   * how a repeated delivery from Twilio (retries, parallel replays) becomes a no-op.
   */
  async insertInbound(tx: Tx, tenantId: string, id: string, w: InboundSmsInsert): Promise<SmsView | null> {
    const rows: SmsView[] = await tx.query(
      `INSERT INTO telephony.sms_messages AS s (tenant_id, id, direction, status, contact_id, owner_id, to_number, from_number, body, message_sid, keyword)
       VALUES ($1, $2, 'inbound', 'received', $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, message_sid) WHERE message_sid IS NOT NULL DO NOTHING RETURNING ${VIEW}`,
      [tenantId, id, w.contact_id, w.owner_id, w.to, w.from, w.body, w.message_sid, w.keyword],
    );
    return rows[0] ?? null;
  }

  async findById(tenantId: string, id: string): Promise<SmsView | null> {
    const rows = await this.db.read<SmsView>(tenantId, SMS_BY_ID, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** The text, locked until the transaction ends: its status callbacks apply one at a time. */
  async lock(tx: Tx, tenantId: string, id: string): Promise<SmsRow | null> {
    const rows: SmsRow[] = await tx.query(`SELECT ${VIEW}, s.message_sid FROM telephony.sms_messages s WHERE s.tenant_id = $1 AND s.id = $2 FOR UPDATE`, [
      tenantId,
      id,
    ]);
    return rows[0] ?? null;
  }

  /** Twilio accepted the text: its MessageSid is kept. Null when it was already marked accepted (so `sms.sent` goes out once). */
  async markAccepted(tx: Tx, tenantId: string, id: string, sid: string): Promise<SmsView | null> {
    const rows: SmsView[] = await tx.query(
      `UPDATE telephony.sms_messages s SET message_sid = $3, accepted_at = now(), version = s.version + 1, updated_at = now()
        WHERE s.tenant_id = $1 AND s.id = $2 AND s.direction = 'outbound' AND s.accepted_at IS NULL RETURNING ${VIEW}`,
      [tenantId, id, sid],
    );
    return rows[0] ?? null;
  }

  /**
   * Moves an outbound text to `status` only if that is later in its life than where it is now
   * (telephony.sms_status_rank), and only for the message Twilio reported (`sid`, once known): null
   * otherwise, so a duplicate, late or reordered callback changes nothing.
   */
  async advance(tx: Tx, tenantId: string, id: string, status: SmsStatus, sid: string | null, errorCode: string | null): Promise<SmsView | null> {
    const rows: SmsView[] = await tx.query(
      `UPDATE telephony.sms_messages s SET status = $3, message_sid = coalesce(s.message_sid, $4), error_code = coalesce($5, s.error_code),
              version = s.version + 1, updated_at = now()
        WHERE s.tenant_id = $1 AND s.id = $2 AND s.direction = 'outbound'
          AND telephony.sms_status_rank(s.status) < telephony.sms_status_rank($3)
          AND ($4::text IS NULL OR s.message_sid IS NULL OR s.message_sid = $4::text)
        RETURNING ${VIEW}`,
      [tenantId, id, status, sid, errorCode],
    );
    return rows[0] ?? null;
  }

  async list(tenantId: string, filter: { contact_id?: string; after: Cursor | null; take: number }): Promise<SmsListRow[]> {
    return this.db.readInTenant<SmsListRow>(tenantId, (_literal, bind) => {
      const where = [`s.tenant_id = ${bind(tenantId)}::uuid`];
      if (filter.contact_id) where.push(`s.contact_id = ${bind(filter.contact_id)}::uuid`);
      if (filter.after) where.push(`(s.created_at, s.id) < (${bind(String(filter.after.v))}::timestamptz, ${bind(filter.after.id)}::uuid)`);
      return `SELECT ${VIEW}, ${isoTime('s.created_at')} AS sort_value FROM telephony.sms_messages s
               WHERE ${where.join(' AND ')} ORDER BY s.created_at DESC, s.id DESC LIMIT ${bind(filter.take)}`;
    });
  }

  /** This tenant texted `theirNumber` from `ourNumber` (about `contactId`): a reply to it comes back to this tenant. */
  async recordThread(tx: Tx, tenantId: string, ourNumber: string, theirNumber: string, contactId: string | null): Promise<void> {
    await tx.query(
      `INSERT INTO telephony.sms_threads (tenant_id, our_number, their_number, contact_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, our_number, their_number) DO UPDATE SET contact_id = coalesce(EXCLUDED.contact_id, telephony.sms_threads.contact_id), last_sent_at = now()`,
      [tenantId, ourNumber, theirNumber, contactId],
    );
  }

  /** Makes `number` one of this tenant's own sending numbers (kept if it already is). */
  async claimNumber(tx: Tx, tenantId: string, number: string): Promise<void> {
    await tx.query(`INSERT INTO telephony.sms_numbers (tenant_id, phone_number) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [tenantId, number]);
  }

  /**
   * The tenants whose own sending number `number` is, read across tenants. A number already
   * another tenant's is refused before a claim, so this is one tenant (two only if both claimed a
   * fresh number at the same moment; then a reply, and a STOP, reaches both, never neither).
   */
  async numberOwners(number: string): Promise<string[]> {
    const rows = await this.db.acrossTenants('sms_routing', (tx) =>
      tx.query<{ tenant_id: string }>(`SELECT tenant_id FROM telephony.sms_numbers WHERE phone_number = $1`, [number]),
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * The tenants a text from `from` to our number `to` belongs to, before any tenant is known (read
   * across tenants, routing tables only): the tenant whose own number `to` is, and every tenant
   * that has texted `from` from `to`, which for the shared platform number is the whole rule.
   * Ordered by tenant id, so every delivery of one text visits the tenants in the same order.
   */
  async routeInbound(to: string, from: string): Promise<InboundRoute[]> {
    return this.db.acrossTenants('sms_routing', (tx) =>
      tx.query<InboundRoute>(
        `SELECT tenant_id, (array_agg(contact_id ORDER BY last_sent_at DESC) FILTER (WHERE contact_id IS NOT NULL))[1] AS thread_contact_id
           FROM (SELECT tenant_id, NULL::uuid AS contact_id, NULL::timestamptz AS last_sent_at FROM telephony.sms_numbers WHERE phone_number = $1
                 UNION ALL
                 SELECT tenant_id, contact_id, last_sent_at FROM telephony.sms_threads WHERE our_number = $1 AND their_number = $2) routes
          GROUP BY tenant_id ORDER BY tenant_id`,
        [to, from],
      ),
    );
  }
}
