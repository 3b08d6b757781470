import { Injectable } from '@nestjs/common';
import type { AuditEntryView } from '@engage/contracts';
import { type Cursor, isoTime, TenantDatabase, type Tx } from '@engage/database';
import { type AuditContent, chainHash, GENESIS_HASH } from './audit-chain';

const VIEW = `a.seq::int AS seq, a.id, ${isoTime('a.occurred_at')} AS occurred_at, a.actor_id, a.service, a.entity, a.entity_id,
  a.action, a.request_id, a.source_event_id, a.changes, a.hash, a.prev_hash`;

export type AuditListRow = AuditEntryView & { sort_value: number };
export type AuditRow = AuditContent & { hash: string; prev_hash: string };

/** SQL of the audit trail: append to a tenant's chain, list it, read it back in order to verify. */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: TenantDatabase) {}

  /**
   * Appends one entry to the tenant's chain, inside the transaction that records the event: the
   * tenant's chain is locked until it commits, so two events never take the same position or hash
   * from the same predecessor. An event already recorded (same source event) is not appended again.
   */
  async append(tx: Tx, entry: Omit<AuditContent, 'seq'>): Promise<AuditRow | null> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('activity.audit:' || $1, 0))`, [entry.tenant_id]);
    const seen: unknown[] = await tx.query(`SELECT 1 FROM activity.audit_log WHERE tenant_id = $1 AND source_event_id = $2`, [entry.tenant_id, entry.source_event_id]);
    if (seen.length) return null;
    const last: Array<{ seq: string; hash: string }> = await tx.query(
      `SELECT seq, hash FROM activity.audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`,
      [entry.tenant_id],
    );
    const prevHash = last[0]?.hash ?? GENESIS_HASH;
    const content: AuditContent = { ...entry, seq: last[0] ? Number(last[0].seq) + 1 : 1 };
    const hash = chainHash(prevHash, content);
    await tx.query(
      `INSERT INTO activity.audit_log (tenant_id, seq, id, occurred_at, actor_id, service, entity, entity_id, action, request_id, source_event_id, changes, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        content.tenant_id,
        content.seq,
        content.id,
        content.occurred_at,
        content.actor_id,
        content.service,
        content.entity,
        content.entity_id,
        content.action,
        content.request_id,
        content.source_event_id,
        JSON.stringify(content.changes),
        prevHash,
        hash,
      ],
    );
    return { ...content, hash, prev_hash: prevHash };
  }

  /** What the latest entry for this record says (its `changes`), to tell a change's previous values. */
  async latestChangesOf(tx: Tx, tenantId: string, entity: string, entityId: string): Promise<Record<string, unknown> | null> {
    const rows: Array<{ changes: Record<string, unknown> }> = await tx.query(
      `SELECT changes FROM activity.audit_log WHERE tenant_id = $1 AND entity = $2 AND entity_id = $3 ORDER BY seq DESC LIMIT 1`,
      [tenantId, entity, entityId],
    );
    return rows[0]?.changes ?? null;
  }

  async list(
    tenantId: string,
    filter: { actor_id?: string; entity?: string; entity_id?: string; since?: string; after: Cursor | null; take: number },
  ): Promise<AuditListRow[]> {
    return this.db.readInTenant<AuditListRow>(tenantId, (l) => {
      const where = [`a.tenant_id = ${l(tenantId)}`];
      if (filter.actor_id) where.push(`a.actor_id = ${l(filter.actor_id)}::uuid`);
      if (filter.entity) where.push(`a.entity = ${l(filter.entity)}`);
      if (filter.entity_id) where.push(`a.entity_id = ${l(filter.entity_id)}`);
      if (filter.since) where.push(`a.occurred_at >= ${l(filter.since)}::timestamptz`);
      if (filter.after) where.push(`a.seq < ${l(Number(filter.after.v))}`);
      return `SELECT ${VIEW}, a.seq::int AS sort_value, a.id FROM activity.audit_log a
               WHERE ${where.join(' AND ')} ORDER BY a.seq DESC LIMIT ${l(filter.take)}`;
    });
  }

  /** Up to `take` entries after position `afterSeq`, in chain order, as stored (for verification). */
  async chainAfter(tenantId: string, afterSeq: number, take: number): Promise<AuditRow[]> {
    const rows = await this.db.readInTenant<AuditRow & { seq: string | number }>(
      tenantId,
      (l) => `SELECT a.tenant_id, a.seq, a.id, to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, a.actor_id, a.service, a.entity, a.entity_id, a.action,
                     a.request_id, a.source_event_id, a.changes, a.prev_hash, a.hash
                FROM activity.audit_log a WHERE a.tenant_id = ${l(tenantId)} AND a.seq > ${l(afterSeq)} ORDER BY a.seq LIMIT ${l(take)}`,
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  }
}
