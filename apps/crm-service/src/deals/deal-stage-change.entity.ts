import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { DealEntity } from './deal.entity';
import { Ref, At, TenantRecord } from '@engage/database';

/** One move of a deal between stages (or its first stage): who, when, from where to where. */
@Entity({ schema: 'crm', name: 'deal_stage_history' })
@Index('deal_stage_history_deal_idx', ['tenantId', 'dealId', 'changedAt'])
export class DealStageChangeEntity extends TenantRecord {
  @Ref('deal_id')
  dealId: string;

  @ManyToOne(() => DealEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'deal_stage_history_deal_fk' },
    { name: 'deal_id', referencedColumnName: 'id' },
  ])
  deal?: DealEntity;

  @Ref('pipeline_id')
  pipelineId: string;

  @Column({ name: 'from_stage', type: 'text', nullable: true })
  fromStage: string | null;

  @Column({ name: 'to_stage', type: 'text' })
  toStage: string;

  @Ref('changed_by', { nullable: true })
  changedBy: string | null;

  @At('changed_at', { now: true })
  changedAt: Date;
}
