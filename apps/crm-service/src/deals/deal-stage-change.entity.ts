import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DealEntity } from './deal.entity';

/** One move of a deal between stages (or its first stage): who, when, from where to where. */
@Entity({ schema: 'crm', name: 'deal_stage_history' })
@Index('deal_stage_history_deal_idx', ['tenantId', 'dealId', 'changedAt'])
export class DealStageChangeEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'deal_id', type: 'uuid' })
  dealId: string;

  @ManyToOne(() => DealEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'deal_stage_history_deal_fk' },
    { name: 'deal_id', referencedColumnName: 'id' },
  ])
  deal?: DealEntity;

  @Column({ name: 'pipeline_id', type: 'uuid' })
  pipelineId: string;

  @Column({ name: 'from_stage', type: 'text', nullable: true })
  fromStage: string | null;

  @Column({ name: 'to_stage', type: 'text' })
  toStage: string;

  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;
}
