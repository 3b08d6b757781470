import { Injectable } from '@nestjs/common';
import type { ImportRowErrorView, ImportStatus, ImportView } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import { isoTime, type Tx } from '@engage/database';

export interface ImportJob {
  id: string;
  tenant_id: string;
  status: ImportStatus;
  mapping: Record<string, string>;
  on_duplicate: 'update' | 'skip' | 'create';
  default_country: string | null;
  created_by: string | null;
  created_by_role: string | null;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  received_bytes: string;
}

export interface ImportCounters {
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

const JOB = `id, tenant_id, status, mapping, on_duplicate, default_country, created_by, created_by_role, processed, created, updated, skipped, failed, received_bytes`;

/** Jobs left in `processing` longer than this without a heartbeat belonged to a worker that died. */
const STALE_AFTER_S = 60;

@Injectable()
export class ImportsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async create(
    tx: Tx,
    tenantId: string,
    job: { id: string; filename: string | null; mapping: Record<string, string>; onDuplicate: string; defaultCountry: string | null; createdBy: string | null; role: string | null },
  ): Promise<void> {
    await tx.query(`INSERT INTO crm.imports (tenant_id, id, filename, mapping, on_duplicate, default_country, created_by, created_by_role)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)`,
      [tenantId, job.id, job.filename, JSON.stringify(job.mapping), job.onDuplicate, job.defaultCountry, job.createdBy, job.role],
    );
  }

  async lock(tx: Tx, tenantId: string, id: string): Promise<ImportJob | null> {
    const rows = await tx.query<ImportJob>(`SELECT ${JOB} FROM crm.imports WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** Stores one piece of the file; sending the same piece again replaces it. Returns the bytes now received. */
  async putChunk(tx: Tx, tenantId: string, id: string, seq: number, data: Buffer): Promise<number> {
    const [{ previous }] = await tx.query<{ previous: number | null }>(`SELECT (SELECT length(data) FROM crm.import_chunks WHERE tenant_id = $1 AND import_id = $2 AND seq = $3) AS previous`,
      [tenantId, id, seq],
    );
    await tx.query(`INSERT INTO crm.import_chunks (tenant_id, import_id, seq, data) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, import_id, seq) DO UPDATE SET data = EXCLUDED.data`,
      [tenantId, id, seq, data],
    );
    const [{ received_bytes }] = await tx.query<{ received_bytes: string }>(`UPDATE crm.imports SET received_bytes = received_bytes + $3 WHERE tenant_id = $1 AND id = $2 RETURNING received_bytes`,
      [tenantId, id, data.length - (previous ?? 0)],
    );
    return Number(received_bytes);
  }

  async setStatus(tx: Tx, tenantId: string, id: string, status: ImportStatus, message: string | null = null): Promise<void> {
    await tx.query(`UPDATE crm.imports SET status = $3, message = COALESCE($4, message),
              finished_at = CASE WHEN $3 IN ('completed', 'failed') THEN now() ELSE finished_at END
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, status, message],
    );
    if (status === 'completed' || status === 'failed') {
      await tx.query(`DELETE FROM crm.import_chunks WHERE tenant_id = $1 AND import_id = $2`, [tenantId, id]);
    }
  }

  async view(tenantId: string, id: string): Promise<(Omit<ImportView, 'errors_url'> & { created_by: string | null }) | null> {
    const rows = await this.db.readInTenant<Omit<ImportView, 'errors_url'>>(
      tenantId,
      (l) => `SELECT i.id, i.status, i.filename, i.received_bytes::float8 AS received_bytes, i.processed, i.created, i.updated, i.skipped, i.failed,
                     i.message, i.created_by, ${isoTime('i.created_at')} AS created_at, ${isoTime('i.started_at')} AS started_at,
                     ${isoTime('i.finished_at')} AS finished_at,
                     COALESCE((SELECT json_agg(e ORDER BY e.row) FROM (
                        SELECT row, reason, field FROM crm.import_errors
                         WHERE tenant_id = i.tenant_id AND import_id = i.id ORDER BY row LIMIT 100) e), '[]') AS errors
                FROM crm.imports i WHERE i.tenant_id = ${l(tenantId)} AND i.id = ${l(id)}`,
    );
    return rows[0] ?? null;
  }

  async errorsPage(tenantId: string, id: string, afterRow: number, limit: number): Promise<ImportRowErrorView[]> {
    return this.db.readInTenant<ImportRowErrorView>(
      tenantId,
      (l) => `SELECT row, reason, field FROM crm.import_errors
               WHERE tenant_id = ${l(tenantId)} AND import_id = ${l(id)} AND row > ${l(afterRow)} ORDER BY row LIMIT ${l(limit)}`,
    );
  }

  /**
   * Claims the next job for this worker, fairly across tenants: among queued jobs (and jobs whose
   * worker stopped beating), those of the tenant with the fewest imports running now come first,
   * oldest first within a tenant. One tenant's eight imports therefore never hold back another
   * tenant's single one longer than the next free worker. FOR UPDATE SKIP LOCKED, so replicas
   * never take the same job.
   */
  async claimNext(): Promise<ImportJob | null> {
    return this.db.acrossTenants('import_worker', async (tx) => {
      const rows = await tx.query<ImportJob>(`WITH running AS (
            SELECT tenant_id, count(*) AS jobs FROM crm.imports
             WHERE status = 'processing' AND heartbeat_at >= now() - make_interval(secs => $1)
             GROUP BY tenant_id)
          SELECT ${JOB.split(', ').map((c) => `i.${c}`).join(', ')} FROM crm.imports i LEFT JOIN running r ON r.tenant_id = i.tenant_id
           WHERE i.status = 'queued' OR (i.status = 'processing' AND i.heartbeat_at < now() - make_interval(secs => $1))
           ORDER BY COALESCE(r.jobs, 0), i.created_at LIMIT 1 FOR UPDATE OF i SKIP LOCKED`,
        [STALE_AFTER_S],
      );
      const job = rows[0];
      if (!job) return null;
      await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [job.tenant_id]);
      await tx.query(`UPDATE crm.imports SET status = 'processing', heartbeat_at = now(), started_at = COALESCE(started_at, now()) WHERE tenant_id = $1 AND id = $2`,
        [job.tenant_id, job.id],
      );
      return { ...job, status: 'processing' };
    });
  }

  async chunk(tenantId: string, id: string, seq: number): Promise<Buffer | null> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query<{ data: Buffer }>(`SELECT data FROM crm.import_chunks WHERE tenant_id = $1 AND import_id = $2 AND seq = $3`, [tenantId, id, seq]),
    );
    return rows[0]?.data ?? null;
  }

  async recordErrors(tx: Tx, tenantId: string, id: string, errors: Array<{ row: number; field: string | null; reason: string }>): Promise<void> {
    if (errors.length === 0) return;
    await tx.query(`INSERT INTO crm.import_errors (tenant_id, import_id, row, field, reason)
       SELECT $1, $2, r, f, m FROM unnest($3::int[], $4::text[], $5::text[]) AS t(r, f, m) ON CONFLICT DO NOTHING`,
      [tenantId, id, errors.map((e) => e.row), errors.map((e) => e.field), errors.map((e) => e.reason.slice(0, 500))],
    );
  }

  async saveProgress(tx: Tx, tenantId: string, id: string, c: ImportCounters): Promise<void> {
    await tx.query(`UPDATE crm.imports SET processed = $3, created = $4, updated = $5, skipped = $6, failed = $7, heartbeat_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, c.processed, c.created, c.updated, c.skipped, c.failed],
    );
  }
}
