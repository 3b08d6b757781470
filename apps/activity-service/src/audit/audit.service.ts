import { Injectable } from '@nestjs/common';
import type { AuditPage, AuditVerifyView, ListAuditQuery } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertGranted, requireTenant } from '@engage/access';
import { decodeCursor, pageLimit, toPage } from '@engage/database';
import { chainHash, GENESIS_HASH } from './audit-chain';
import { AuditRepository } from './audit.repository';

const NEWEST = '-seq';
/** Entries read per round trip while verifying a chain. */
const VERIFY_BATCH = 2000;

/** GET /v1/audit and GET /v1/audit/verify: admins (and auditors' API keys) read the trail and check it. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async list(ctx: RequestContext, query: ListAuditQuery): Promise<AuditPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'audit', 'read');
    const limit = pageLimit(query.limit);
    const rows = await this.audit.list(tctx.tenantId, {
      actor_id: query.actor_id,
      entity: query.entity,
      entity_id: query.entity_id,
      since: query.since,
      after: decodeCursor(query.cursor, NEWEST, 'integer'),
      take: limit + 1,
    });
    return toPage(rows, limit, NEWEST);
  }

  /**
   * Recomputes the tenant's chain from its first entry: every position present (1, 2, … without a
   * gap), every entry linked to its predecessor's hash, and every entry hashing to what it stores.
   * Reports the first entry where any of these fails: the row someone altered, removed or inserted.
   */
  async verify(ctx: RequestContext): Promise<AuditVerifyView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'audit', 'read');
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    for (;;) {
      const rows = await this.audit.chainAfter(tctx.tenantId, expectedSeq - 1, VERIFY_BATCH);
      if (rows.length === 0) break;
      for (const row of rows) {
        const { hash, prev_hash: storedPrev, ...content } = row;
        const broken = (reason: 'content' | 'link' | 'gap'): AuditVerifyView => ({ ok: false, rows_checked: checked, first_broken: { seq: row.seq, id: row.id, reason }, head_hash: checked ? prevHash : null });
        if (row.seq !== expectedSeq) return broken('gap');
        if (storedPrev !== prevHash) return broken('link');
        if (chainHash(storedPrev, content) !== hash) return broken('content');
        prevHash = hash;
        expectedSeq++;
        checked++;
      }
    }
    return { ok: true, rows_checked: checked, first_broken: null, head_hash: checked ? prevHash : null };
  }
}
