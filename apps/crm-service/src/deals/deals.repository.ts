import { Injectable } from '@nestjs/common';
import type { DealStageChangeView, DealView } from '@engage/contracts';
import { type PreparedRead, TenantDatabase } from '@engage/database';
import type { Cursor, CursorValueKind, SortSpec } from '@engage/database';
import { isoTime, type Tx } from '@engage/database';

const VIEW = `d.id, d.name, d.amount::text AS amount, d.currency, d.pipeline_id, d.stage, d.probability,
  to_char(d.expected_close_date, 'YYYY-MM-DD') AS expected_close_date, d.owner_id, d.contact_id, d.company_id, d.custom_fields,
  ${isoTime('d.created_at')} AS created_at, ${isoTime('d.updated_at')} AS updated_at, d.version`;

export interface DealWrite {
  name: string;
  name_sort: string;
  amount: string | null;
  currency: string;
  pipeline_id: string;
  stage: string;
  probability: number;
  expected_close_date: string | null;
  owner_id: string | null;
  contact_id: string | null;
  company_id: string | null;
  custom_fields: Record<string, unknown>;
}

export interface DealListFilter {
  pipelineId?: string;
  stage?: string;
  ownerId?: string;
  contactId?: string;
  companyId?: string;
  sort: SortSpec;
  after: Cursor | null;
  take: number;
}

export type DealListRow = DealView & { sort_value: string | null };

const SORT_COLUMNS: Record<string, { column: string; cast: string; text: string; kind: CursorValueKind }> = {
  name: { column: 'd.name_sort', cast: 'text', text: 'd.name_sort', kind: 'text' },
  created_at: { column: 'd.created_at', cast: 'timestamptz', text: isoTime('d.created_at'), kind: 'timestamp' },
  updated_at: { column: 'd.updated_at', cast: 'timestamptz', text: isoTime('d.updated_at'), kind: 'timestamp' },
};

/** What a deal list cursor's value must be for this sort key. */
export const dealCursorKind = (sortKey: string): CursorValueKind => SORT_COLUMNS[sortKey].kind;

const COLUMNS = 'name, name_sort, amount, currency, pipeline_id, stage, probability, expected_close_date, owner_id, contact_id, company_id, custom_fields';
const params = (w: DealWrite) => [
  w.name,
  w.name_sort,
  w.amount,
  w.currency,
  w.pipeline_id,
  w.stage,
  w.probability,
  w.expected_close_date,
  w.owner_id,
  w.contact_id,
  w.company_id,
  JSON.stringify(w.custom_fields),
];

const DEAL_BY_ID: PreparedRead = {
  name: 'crm_deal_by_id',
  text: `SELECT ${VIEW} FROM crm.deals d WHERE d.tenant_id = $1 AND d.id = $2 AND d.deleted_at IS NULL`,
};

@Injectable()
export class DealsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async findById(tenantId: string, id: string): Promise<DealView | null> {
    const rows = await this.db.read<DealView>(tenantId, DEAL_BY_ID, [tenantId, id]);
    return rows[0] ?? null;
  }

  async lock(tx: Tx, tenantId: string, id: string): Promise<DealView | null> {
    const rows: DealView[] = await tx.query(`SELECT ${VIEW} FROM crm.deals d WHERE d.tenant_id = $1 AND d.id = $2 AND d.deleted_at IS NULL FOR UPDATE`, [
      tenantId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async insert(tx: Tx, tenantId: string, id: string, w: DealWrite): Promise<DealView> {
    const rows: DealView[] = await tx.query(`INSERT INTO crm.deals AS d (tenant_id, id, ${COLUMNS})
       VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9, $10::date, $11, $12, $13, $14::jsonb) RETURNING ${VIEW}`,
      [tenantId, id, ...params(w)],
    );
    return rows[0];
  }

  async update(tx: Tx, tenantId: string, id: string, w: DealWrite): Promise<DealView> {
    const rows: DealView[] = await tx.query(`UPDATE crm.deals d SET (${COLUMNS}) = ($3, $4, $5::numeric, $6, $7, $8, $9, $10::date, $11, $12, $13, $14::jsonb),
              version = d.version + 1, updated_at = now()
        WHERE d.tenant_id = $1 AND d.id = $2 RETURNING ${VIEW}`,
      [tenantId, id, ...params(w)],
    );
    return rows[0];
  }

  async softDelete(tx: Tx, tenantId: string, id: string): Promise<number> {
    const rows: Array<{ version: number }> = await tx.query(`UPDATE crm.deals SET deleted_at = now(), version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING version`,
      [tenantId, id],
    );
    return rows[0].version;
  }

  async recordStageChange(
    tx: Tx,
    tenantId: string,
    change: { id: string; dealId: string; pipelineId: string; from: string | null; to: string; by: string | null },
  ): Promise<DealStageChangeView> {
    const rows: DealStageChangeView[] = await tx.query(`INSERT INTO crm.deal_stage_history (tenant_id, id, deal_id, pipeline_id, from_stage, to_stage, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, deal_id, pipeline_id, from_stage, to_stage, changed_by, ${isoTime('changed_at')} AS changed_at`,
      [tenantId, change.id, change.dealId, change.pipelineId, change.from, change.to, change.by],
    );
    return rows[0];
  }

  /** Null when the deal does not exist (or is deleted); its stage history, oldest first, otherwise. */
  async stageHistory(tenantId: string, dealId: string): Promise<DealStageChangeView[] | null> {
    const rows = await this.db.readInTenant<DealStageChangeView & { exists: boolean }>(
      tenantId,
      (l) => `SELECT h.id, h.deal_id, h.pipeline_id, h.from_stage, h.to_stage, h.changed_by, ${isoTime('h.changed_at')} AS changed_at,
                     (d.id IS NOT NULL) AS exists
                FROM crm.deals d LEFT JOIN crm.deal_stage_history h ON h.tenant_id = d.tenant_id AND h.deal_id = d.id
               WHERE d.tenant_id = ${l(tenantId)} AND d.id = ${l(dealId)} AND d.deleted_at IS NULL
               ORDER BY h.changed_at, h.id`,
    );
    if (rows.length === 0) return null;
    return rows.filter((r) => r.id !== null).map(({ exists: _e, ...change }) => change);
  }

  /** Moves the deals of a merged contact to the surviving one. */
  /**
   * Moves the deals of these contacts to another contact, or unlinks them (`toContactId` null),
   * deleted deals included (a restore must find them consistent); returns the live ones as they
   * are now, for their `deal.updated` events.
   */
  async relinkContacts(tx: Tx, tenantId: string, fromContactIds: string[], toContactId: string | null): Promise<DealView[]> {
    if (fromContactIds.length === 0) return [];
    const rows: Array<DealView & { live: boolean }> = await tx.query(`UPDATE crm.deals d SET contact_id = $3, version = d.version + 1, updated_at = now()
        WHERE d.tenant_id = $1 AND d.contact_id = ANY($2::uuid[]) RETURNING ${VIEW}, d.deleted_at IS NULL AS live`,
      [tenantId, fromContactIds, toContactId],
    );
    return rows.filter((r) => r.live).map(({ live: _live, ...deal }) => deal);
  }

  async contactExists(tx: Tx, tenantId: string, contactId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM crm.contacts WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`, [tenantId, contactId]);
    return rows.length > 0;
  }

  async list(tenantId: string, filter: DealListFilter): Promise<DealListRow[]> {
    const sort = SORT_COLUMNS[filter.sort.key];
    return this.db.readInTenant<DealListRow>(tenantId, (l, bind) => {
      const where = [`d.tenant_id = ${l(tenantId)}`, 'd.deleted_at IS NULL'];
      if (filter.pipelineId) where.push(`d.pipeline_id = ${l(filter.pipelineId)}`);
      if (filter.stage) where.push(`d.stage = ${l(filter.stage)}`);
      if (filter.ownerId) where.push(`d.owner_id = ${l(filter.ownerId)}`);
      if (filter.contactId) where.push(`d.contact_id = ${l(filter.contactId)}`);
      if (filter.companyId) where.push(`d.company_id = ${l(filter.companyId)}`);
      if (filter.after) {
        const op = filter.sort.descending ? '<' : '>';
        where.push(`(${sort.column}, d.id) ${op} (${bind(filter.after.v)}::${sort.cast}, ${bind(filter.after.id)}::uuid)`);
      }
      const dir = filter.sort.descending ? 'DESC' : 'ASC';
      return `SELECT ${VIEW}, ${sort.text} AS sort_value FROM crm.deals d WHERE ${where.join(' AND ')}
               ORDER BY ${sort.column} ${dir}, d.id ${dir} LIMIT ${l(filter.take)}`;
    });
  }
}
