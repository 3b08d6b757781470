import { Injectable } from '@nestjs/common';
import type { PipelineStageView, PipelineView } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import { isoTime, type Tx } from '@engage/database';

export type PipelineLock = 'update' | 'share';
const LOCK_CLAUSE: Record<PipelineLock, string> = { update: 'FOR UPDATE', share: 'FOR SHARE' };

const VIEW = `p.id, p.name, p.is_default, p.stages, ${isoTime('p.created_at')} AS created_at, ${isoTime('p.updated_at')} AS updated_at, p.version`;

@Injectable()
export class PipelinesRepository {
  constructor(private readonly db: TenantDatabase) {}

  list(tenantId: string): Promise<PipelineView[]> {
    return this.db.readInTenant<PipelineView>(
      tenantId,
      (l) => `SELECT ${VIEW} FROM crm.pipelines p WHERE p.tenant_id = ${l(tenantId)} ORDER BY p.is_default DESC, p.created_at, p.id`,
    );
  }

  /**
   * Creates the tenant's default pipeline unless it has one (safe under concurrency: a unique
   * partial index), and returns it share-locked like {@link find} with `share`.
   */
  async ensureDefault(tx: Tx, tenantId: string, id: string, name: string, stages: PipelineStageView[]): Promise<PipelineView> {
    await tx.query(`INSERT INTO crm.pipelines (tenant_id, id, name, is_default, stages) VALUES ($1, $2, $3, true, $4::jsonb)
       ON CONFLICT (tenant_id) WHERE is_default DO NOTHING`,
      [tenantId, id, name, JSON.stringify(stages)],
    );
    const rows: PipelineView[] = await tx.query(`SELECT ${VIEW} FROM crm.pipelines p WHERE p.tenant_id = $1 AND p.is_default FOR SHARE`, [tenantId]);
    return rows[0];
  }

  /**
   * One pipeline, row-locked: `update` by a change of its stages, `share` by a deal entering one of
   * them. The two exclude each other, so a stage is never removed while a deal moves into it: the
   * later transaction waits and then sees the earlier one's outcome (the deal in the stage, or the
   * stage gone).
   */
  async find(tx: Tx, tenantId: string, id: string, lock: PipelineLock): Promise<PipelineView | null> {
    const rows: PipelineView[] = await tx.query(`SELECT ${VIEW} FROM crm.pipelines p WHERE p.tenant_id = $1 AND p.id = $2 ${LOCK_CLAUSE[lock]}`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  async insert(tx: Tx, tenantId: string, id: string, name: string, stages: PipelineStageView[]): Promise<PipelineView> {
    const rows: PipelineView[] = await tx.query(`INSERT INTO crm.pipelines AS p (tenant_id, id, name, stages) VALUES ($1, $2, $3, $4::jsonb) RETURNING ${VIEW}`,
      [tenantId, id, name, JSON.stringify(stages)],
    );
    return rows[0];
  }

  async update(tx: Tx, tenantId: string, id: string, name: string, stages: PipelineStageView[]): Promise<PipelineView> {
    const rows: PipelineView[] = await tx.query(`UPDATE crm.pipelines p SET name = $3, stages = $4::jsonb, version = p.version + 1, updated_at = now()
        WHERE p.tenant_id = $1 AND p.id = $2 RETURNING ${VIEW}`,
      [tenantId, id, name, JSON.stringify(stages)],
    );
    return rows[0];
  }

  /** Which of `stageKeys` live deals of the pipeline are in. */
  async stagesInUse(tx: Tx, tenantId: string, pipelineId: string, stageKeys: string[]): Promise<string[]> {
    if (stageKeys.length === 0) return [];
    const rows: Array<{ stage: string }> = await tx.query(`SELECT DISTINCT stage FROM crm.deals WHERE tenant_id = $1 AND pipeline_id = $2 AND stage = ANY($3::text[]) AND deleted_at IS NULL`,
      [tenantId, pipelineId, stageKeys],
    );
    return rows.map((r) => r.stage);
  }
}
