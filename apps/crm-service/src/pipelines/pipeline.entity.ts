import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A tenant's sales pipeline; its ordered stages live in `stages` (small, always read whole). */
@Entity({ schema: 'crm', name: 'pipelines' })
@Index('pipelines_one_default_idx', ['tenantId'], { unique: true, where: '"is_default"' })
@Index('pipelines_created_idx', ['tenantId', 'createdAt'])
export class PipelineEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ type: 'jsonb' })
  stages: unknown[];

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
