import { Column, Entity, Index } from 'typeorm';
import { At, TenantRecord } from '@engage/database';

/** A tenant's sales pipeline; its ordered stages live in `stages` (small, always read whole). */
@Entity({ schema: 'crm', name: 'pipelines' })
@Index('pipelines_one_default_idx', ['tenantId'], { unique: true, where: '"is_default"' })
@Index('pipelines_created_idx', ['tenantId', 'createdAt'])
export class PipelineEntity extends TenantRecord {
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ type: 'jsonb' })
  stages: unknown[];

  @Column({ type: 'integer', default: 1 })
  version: number;

  @At('created_at', { now: true })
  createdAt: Date;

  @At('updated_at', { now: true })
  updatedAt: Date;
}
