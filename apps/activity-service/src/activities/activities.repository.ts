import { Injectable } from '@nestjs/common';
import type { ActivityType, ActivityView } from '@engage/contracts';
import { type Cursor, isoTime, type PreparedRead, TenantDatabase, type Tx } from '@engage/database';

const VIEW = `a.id, a.type, a.contact_id, a.deal_id, a.company_id, a.actor_id, a.subject, a.body, a.payload,
  ${isoTime('a.occurred_at')} AS occurred_at, a.source_event_id, ${isoTime('a.due_at')} AS due_at, a.assignee_id, a.done,
  ${isoTime('a.created_at')} AS created_at, ${isoTime('a.updated_at')} AS updated_at, a.version`;

const ACTIVITY_BY_ID: PreparedRead = {
  name: 'activity_activity_by_id',
  text: `SELECT ${VIEW} FROM activity.activities a WHERE a.tenant_id = $1 AND a.id = $2`,
};

/** A new activity, written by a person (`source_event_id` null) or recorded from an event. */
export interface ActivityInsert {
  type: ActivityType;
  contact_id: string | null;
  deal_id: string | null;
  company_id: string | null;
  actor_id: string | null;
  subject: string | null;
  body: string | null;
  payload: Record<string, unknown>;
  occurred_at: string;
  source_event_id: string | null;
  due_at: string | null;
  assignee_id: string | null;
  done: boolean | null;
}

/** What an edit of a note, meeting or task writes (the whole editable state, after the edit). */
export type ActivityEdit = Pick<ActivityInsert, 'contact_id' | 'deal_id' | 'company_id' | 'subject' | 'body' | 'payload' | 'occurred_at' | 'due_at' | 'assignee_id' | 'done'>;

export interface ActivityListFilter {
  contactId?: string;
  dealId?: string;
  companyId?: string;
  type?: ActivityType;
  after: Cursor | null;
  take: number;
}

export type ActivityListRow = ActivityView & { sort_value: string };

/** Where a contact's timeline lives now: itself, the contact it was merged into, or nowhere (erased). */
export type ContactFate = { kind: 'live' } | { kind: 'merged'; survivorId: string } | { kind: 'erased' };

/**
 * SQL of the timeline; every method takes the tenant.
 *
 * Writes that place an activity on a contact and the re-pointing that follows a merge or an erasure
 * are serialised per tenant by one advisory lock: inserts share it, re-pointing takes it alone. An
 * activity inserted while a merge of its contact commits therefore either is moved by that merge or
 * sees the merge already recorded, and lands on the survivor either way.
 */
@Injectable()
export class ActivitiesRepository {
  constructor(private readonly db: TenantDatabase) {}

  /**
   * Inserts the activity, on the survivor when its contact was merged. Null when nothing was
   * written: the source event was already recorded (a redelivery or a replay), or the contact was
   * erased (a deal stage change is then kept on the deal, without the contact).
   */
  async insert(tx: Tx, tenantId: string, id: string, w: ActivityInsert): Promise<ActivityView | null> {
    await this.holdContacts(tx, tenantId, 'shared');
    const rows: ActivityView[] = await tx.query(
      `INSERT INTO activity.activities AS a (tenant_id, id, type, contact_id, deal_id, company_id, actor_id, subject, body, payload,
         occurred_at, source_event_id, due_at, assignee_id, done)
       SELECT $1, $2, $3::text, CASE WHEN r.contact_id IS NULL THEN $4::uuid ELSE r.survivor_id END, $5, $6, $7, $8, $9, $10::jsonb,
         $11, $12, $13, $14, $15
         FROM (VALUES (1)) AS one (x)
         LEFT JOIN activity.retired_contacts r ON r.tenant_id = $1 AND r.contact_id = $4::uuid
        WHERE r.contact_id IS NULL OR r.survivor_id IS NOT NULL OR $3::text = 'deal_stage_changed'
       ON CONFLICT (tenant_id, source_event_id) DO NOTHING
       RETURNING ${VIEW}`,
      [
        tenantId,
        id,
        w.type,
        w.contact_id,
        w.deal_id,
        w.company_id,
        w.actor_id,
        w.subject,
        w.body,
        JSON.stringify(w.payload),
        w.occurred_at,
        w.source_event_id,
        w.due_at,
        w.assignee_id,
        w.done,
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * {@link insert} for many activities in one statement (a page of a mailbox sync): the same rules,
   * row by row. Answers the activities written, in no particular order.
   */
  async insertMany(tx: Tx, tenantId: string, writes: ReadonlyArray<ActivityInsert & { id: string }>): Promise<ActivityView[]> {
    if (writes.length === 0) return [];
    await this.holdContacts(tx, tenantId, 'shared');
    return tx.query<ActivityView>(
      `INSERT INTO activity.activities AS a (tenant_id, id, type, contact_id, deal_id, company_id, actor_id, subject, body, payload,
         occurred_at, source_event_id, due_at, assignee_id, done)
       SELECT $1, w.id, w.type, CASE WHEN r.contact_id IS NULL THEN w.contact_id ELSE r.survivor_id END, w.deal_id, w.company_id, w.actor_id,
         w.subject, w.body, coalesce(w.payload, '{}'::jsonb), w.occurred_at, w.source_event_id, w.due_at, w.assignee_id, w.done
         FROM jsonb_to_recordset($2::jsonb) AS w (id uuid, type text, contact_id uuid, deal_id uuid, company_id uuid, actor_id uuid, subject text,
           body text, payload jsonb, occurred_at timestamptz, source_event_id uuid, due_at timestamptz, assignee_id uuid, done boolean)
         LEFT JOIN activity.retired_contacts r ON r.tenant_id = $1 AND r.contact_id = w.contact_id
        WHERE r.contact_id IS NULL OR r.survivor_id IS NOT NULL OR w.type = 'deal_stage_changed'
       ON CONFLICT (tenant_id, source_event_id) DO NOTHING
       RETURNING ${VIEW}`,
      [tenantId, JSON.stringify(writes)],
    );
  }

  async findById(tenantId: string, id: string): Promise<ActivityView | null> {
    const rows = await this.db.read<ActivityView>(tenantId, ACTIVITY_BY_ID, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** The activity, locked until the transaction ends: edits of one activity apply one at a time. */
  async lock(tx: Tx, tenantId: string, id: string): Promise<ActivityView | null> {
    const rows: ActivityView[] = await tx.query(`SELECT ${VIEW} FROM activity.activities a WHERE a.tenant_id = $1 AND a.id = $2 FOR UPDATE`, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** Writes an edit (the contact already resolved with {@link contactFate}) and moves the version on. */
  async update(tx: Tx, tenantId: string, id: string, w: ActivityEdit): Promise<ActivityView> {
    const rows: ActivityView[] = await tx.query(
      `UPDATE activity.activities a SET contact_id = $3, deal_id = $4, company_id = $5, subject = $6, body = $7, payload = $8::jsonb,
         occurred_at = $9, due_at = $10, assignee_id = $11, done = $12, version = a.version + 1, updated_at = clock_timestamp()
       WHERE a.tenant_id = $1 AND a.id = $2 RETURNING ${VIEW}`,
      [tenantId, id, w.contact_id, w.deal_id, w.company_id, w.subject, w.body, JSON.stringify(w.payload), w.occurred_at, w.due_at, w.assignee_id, w.done],
    );
    return rows[0];
  }

  async delete(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.query(`DELETE FROM activity.activities WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  }

  /** Newest first (occurred_at, then id), after the cursor's position. */
  async list(tenantId: string, filter: ActivityListFilter): Promise<ActivityListRow[]> {
    return this.db.readInTenant<ActivityListRow>(tenantId, (_literal, bind) => {
      const where = [`a.tenant_id = ${bind(tenantId)}::uuid`];
      if (filter.contactId) where.push(`a.contact_id = ${bind(filter.contactId)}::uuid`);
      if (filter.dealId) where.push(`a.deal_id = ${bind(filter.dealId)}::uuid`);
      if (filter.companyId) where.push(`a.company_id = ${bind(filter.companyId)}::uuid`);
      if (filter.type) where.push(`a.type = ${bind(filter.type)}::text`);
      if (filter.after) where.push(`(a.occurred_at, a.id) < (${bind(String(filter.after.v))}::timestamptz, ${bind(filter.after.id)}::uuid)`);
      return `SELECT ${VIEW}, ${isoTime('a.occurred_at')} AS sort_value FROM activity.activities a
               WHERE ${where.join(' AND ')} ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${bind(filter.take)}`;
    });
  }

  /** Holds the tenant's contact re-pointing lock until the transaction ends (see the class comment). */
  async holdContacts(tx: Tx, tenantId: string, mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await tx.query(`SELECT ${fn}(hashtextextended('activity.contacts:' || $1, 0))`, [tenantId]);
  }

  /** Where activities of `contactId` belong now (call with the contact lock held). */
  async contactFate(tx: Tx, tenantId: string, contactId: string): Promise<ContactFate> {
    const rows: Array<{ survivor_id: string | null }> = await tx.query(
      `SELECT survivor_id FROM activity.retired_contacts WHERE tenant_id = $1 AND contact_id = $2`,
      [tenantId, contactId],
    );
    if (rows.length === 0) return { kind: 'live' };
    return rows[0].survivor_id ? { kind: 'merged', survivorId: rows[0].survivor_id } : { kind: 'erased' };
  }

  /**
   * `mergedId` was merged into `survivorId`: its activities move to the survivor, and so do those of
   * contacts merged into it earlier. Returns how many activities moved. (Call with the contact lock
   * held exclusively, after resolving the survivor with {@link contactFate}.)
   */
  async recordMerge(tx: Tx, tenantId: string, mergedId: string, survivorId: string): Promise<number> {
    await tx.query(
      `INSERT INTO activity.retired_contacts (tenant_id, contact_id, survivor_id) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, contact_id) DO NOTHING`,
      [tenantId, mergedId, survivorId],
    );
    await tx.query(`UPDATE activity.retired_contacts SET survivor_id = $3 WHERE tenant_id = $1 AND survivor_id = $2`, [tenantId, mergedId, survivorId]);
    const moved: unknown[] = await tx.query(
      `UPDATE activity.activities a SET contact_id = $3, version = a.version + 1, updated_at = clock_timestamp()
       WHERE a.tenant_id = $1 AND a.contact_id = $2 RETURNING a.id`,
      [tenantId, mergedId, survivorId],
    );
    return moved.length;
  }

  /**
   * The contacts were erased for good. Those merged earlier stay merged (their activities already
   * moved); the others, and any contact merged into them, are recorded as erased. Their activities
   * go, except deal stage changes, which belong to the deal and only lose the contact. Returns how
   * many activities were deleted. (Call with the contact lock held exclusively.)
   */
  async recordErasure(tx: Tx, tenantId: string, contactIds: readonly string[]): Promise<number> {
    await tx.query(
      `INSERT INTO activity.retired_contacts (tenant_id, contact_id, survivor_id)
       SELECT $1, id, NULL FROM unnest($2::uuid[]) AS ids (id)
       ON CONFLICT (tenant_id, contact_id) DO NOTHING`,
      [tenantId, contactIds],
    );
    const erased: Array<{ contact_id: string }> = await tx.query(
      `SELECT contact_id FROM activity.retired_contacts WHERE tenant_id = $1 AND contact_id = ANY($2::uuid[]) AND survivor_id IS NULL`,
      [tenantId, contactIds],
    );
    const ids = erased.map((r) => r.contact_id);
    if (ids.length === 0) return 0;
    await tx.query(`UPDATE activity.retired_contacts SET survivor_id = NULL WHERE tenant_id = $1 AND survivor_id = ANY($2::uuid[])`, [tenantId, ids]);
    await tx.query(
      `UPDATE activity.activities a SET contact_id = NULL, version = a.version + 1, updated_at = clock_timestamp()
       WHERE a.tenant_id = $1 AND a.contact_id = ANY($2::uuid[]) AND a.type = 'deal_stage_changed'`,
      [tenantId, ids],
    );
    const deleted: unknown[] = await tx.query(`DELETE FROM activity.activities WHERE tenant_id = $1 AND contact_id = ANY($2::uuid[]) RETURNING id`, [tenantId, ids]);
    return deleted.length;
  }
}
