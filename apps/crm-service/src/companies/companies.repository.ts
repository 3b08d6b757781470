import { Injectable } from '@nestjs/common';
import type { CompanyView } from '@engage/contracts';
import { type PreparedRead, TenantDatabase } from '@engage/database';
import type { Cursor, CursorValueKind, SortSpec } from '@engage/database';
import { escapeLike, isoTime, type Tx } from '@engage/database';

const VIEW = `c.id, c.name, c.domain, c.industry, c.size, c.owner_id, c.custom_fields,
  ${isoTime('c.created_at')} AS created_at, ${isoTime('c.updated_at')} AS updated_at, c.version`;

export interface CompanyWrite {
  name: string;
  name_sort: string;
  domain: string | null;
  industry: string | null;
  size: string | null;
  owner_id: string | null;
  custom_fields: Record<string, unknown>;
  search_doc: string;
}

export interface CompanyListFilter {
  words: string[];
  sort: SortSpec;
  after: Cursor | null;
  take: number;
}

export type CompanyListRow = CompanyView & { sort_value: string | null };

const SORT_COLUMNS: Record<string, { column: string; cast: string; text: string; kind: CursorValueKind }> = {
  name: { column: 'c.name_sort', cast: 'text', text: 'c.name_sort', kind: 'text' },
  created_at: { column: 'c.created_at', cast: 'timestamptz', text: isoTime('c.created_at'), kind: 'timestamp' },
  updated_at: { column: 'c.updated_at', cast: 'timestamptz', text: isoTime('c.updated_at'), kind: 'timestamp' },
};

/** What a company list cursor's value must be for this sort key. */
export const companyCursorKind = (sortKey: string): CursorValueKind => SORT_COLUMNS[sortKey].kind;

const params = (w: CompanyWrite) => [w.name, w.name_sort, w.domain, w.industry, w.size, w.owner_id, JSON.stringify(w.custom_fields), w.search_doc];

const COMPANY_BY_ID: PreparedRead = {
  name: 'crm_company_by_id',
  text: `SELECT ${VIEW} FROM crm.companies c WHERE c.tenant_id = $1 AND c.id = $2 AND c.deleted_at IS NULL`,
};

@Injectable()
export class CompaniesRepository {
  constructor(private readonly db: TenantDatabase) {}

  async findById(tenantId: string, id: string): Promise<CompanyView | null> {
    const rows = await this.db.read<CompanyView>(tenantId, COMPANY_BY_ID, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** The name of a live company (what contacts are searched by), or null when there is none. */
  async findName(tx: Tx, tenantId: string, id: string): Promise<string | null> {
    const rows: Array<{ name: string }> = await tx.query(`SELECT name FROM crm.companies WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`, [
      tenantId,
      id,
    ]);
    return rows[0]?.name ?? null;
  }

  async lock(tx: Tx, tenantId: string, id: string): Promise<CompanyView | null> {
    const rows: CompanyView[] = await tx.query(`SELECT ${VIEW} FROM crm.companies c WHERE c.tenant_id = $1 AND c.id = $2 AND c.deleted_at IS NULL FOR UPDATE`, [
      tenantId,
      id,
    ]);
    return rows[0] ?? null;
  }

  /** A live company of the tenant with this domain (other than `excludeId`). */
  async findIdByDomain(tx: Tx, tenantId: string, domain: string, excludeId: string | null): Promise<string | null> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1 || 'domain:' || $2, 0))`, [tenantId, domain]);
    const rows: Array<{ id: string }> = await tx.query(`SELECT id FROM crm.companies WHERE tenant_id = $1 AND domain = $2 AND deleted_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid) LIMIT 1`,
      [tenantId, domain, excludeId],
    );
    return rows[0]?.id ?? null;
  }

  /** A live company with this exact (folded) name, for imports that link contacts by company name. */
  async findIdsByNames(tx: Tx, tenantId: string, nameSorts: string[]): Promise<Array<{ id: string; name_sort: string; name: string }>> {
    if (nameSorts.length === 0) return [];
    return tx.query(`SELECT DISTINCT ON (name_sort) id, name_sort, name FROM crm.companies
        WHERE tenant_id = $1 AND name_sort = ANY($2::text[]) AND deleted_at IS NULL ORDER BY name_sort, created_at`,
      [tenantId, nameSorts],
    );
  }

  /** Companies an import names but the tenant does not have yet. */
  async insertMany(tx: Tx, tenantId: string, rows: Array<CompanyWrite & { id: string }>): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(`INSERT INTO crm.companies (tenant_id, id, name, name_sort, domain, industry, size, owner_id, custom_fields, search_doc)
       SELECT $1, x.id, x.name, x.name_sort, x.domain, x.industry, x.size, x.owner_id, x.custom_fields, x.search_doc
         FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, name text, name_sort text, domain text, industry text, size text,
                                                 owner_id uuid, custom_fields jsonb, search_doc text)`,
      [tenantId, JSON.stringify(rows)],
    );
  }

  async insert(tx: Tx, tenantId: string, id: string, w: CompanyWrite): Promise<CompanyView> {
    const rows: CompanyView[] = await tx.query(`INSERT INTO crm.companies AS c (tenant_id, id, name, name_sort, domain, industry, size, owner_id, custom_fields, search_doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) RETURNING ${VIEW}`,
      [tenantId, id, ...params(w)],
    );
    return rows[0];
  }

  async update(tx: Tx, tenantId: string, id: string, w: CompanyWrite): Promise<CompanyView> {
    const rows: CompanyView[] = await tx.query(`UPDATE crm.companies c SET (name, name_sort, domain, industry, size, owner_id, custom_fields, search_doc) =
         ($3, $4, $5, $6, $7, $8, $9::jsonb, $10), version = c.version + 1, updated_at = now()
       WHERE c.tenant_id = $1 AND c.id = $2 RETURNING ${VIEW}`,
      [tenantId, id, ...params(w)],
    );
    return rows[0];
  }

  async softDelete(tx: Tx, tenantId: string, id: string): Promise<number> {
    const rows: Array<{ version: number }> = await tx.query(`UPDATE crm.companies SET deleted_at = now(), version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING version`,
      [tenantId, id],
    );
    await tx.query(`UPDATE crm.deals SET company_id = NULL, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND company_id = $2`, [
      tenantId,
      id,
    ]);
    return rows[0].version;
  }

  async list(tenantId: string, filter: CompanyListFilter): Promise<CompanyListRow[]> {
    const sort = SORT_COLUMNS[filter.sort.key];
    return this.db.readInTenant<CompanyListRow>(tenantId, (l, bind) => {
      const where = [`c.tenant_id = ${l(tenantId)}`, 'c.deleted_at IS NULL'];
      for (const w of filter.words) where.push(`c.search_doc LIKE ${l(`%${escapeLike(w)}%`)}`);
      if (filter.after) {
        const op = filter.sort.descending ? '<' : '>';
        where.push(`(${sort.column}, c.id) ${op} (${bind(filter.after.v)}::${sort.cast}, ${bind(filter.after.id)}::uuid)`);
      }
      const dir = filter.sort.descending ? 'DESC' : 'ASC';
      return `SELECT ${VIEW}, ${sort.text} AS sort_value FROM crm.companies c WHERE ${where.join(' AND ')}
               ORDER BY ${sort.column} ${dir}, c.id ${dir} LIMIT ${l(filter.take)}`;
    });
  }
}
