import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CompanyEntity } from '../companies/company.entity';
import { ContactEntity } from '../contacts/contact.entity';
import { PipelineEntity } from '../pipelines/pipeline.entity';
import { Ref, At, TenantRecord } from '@engage/database';

/** A sales opportunity. `amount` is `numeric` (exact, kept as the client gave it), never a float. */
@Entity({ schema: 'crm', name: 'deals' })
@Index('deals_created_idx', ['tenantId', 'createdAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('deals_updated_idx', ['tenantId', 'updatedAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('deals_name_idx', ['tenantId', 'nameSort', 'id'], { where: '"deleted_at" IS NULL' })
@Index('deals_stage_idx', ['tenantId', 'pipelineId', 'stage'])
@Index('deals_contact_idx', ['tenantId', 'contactId'])
@Index('deals_company_idx', ['tenantId', 'companyId'])
@Index('deals_owner_idx', ['tenantId', 'ownerId'])
export class DealEntity extends TenantRecord {
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'name_sort', type: 'text', collation: 'C' })
  nameSort: string;

  @Column({ type: 'numeric', nullable: true })
  amount: string | null;

  @Column({ type: 'text' })
  currency: string;

  @Ref('pipeline_id')
  pipelineId: string;

  @ManyToOne(() => PipelineEntity)
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'deals_pipeline_fk' },
    { name: 'pipeline_id', referencedColumnName: 'id' },
  ])
  pipeline?: PipelineEntity;

  @Column({ type: 'text' })
  stage: string;

  @Column({ type: 'integer' })
  probability: number;

  @Column({ name: 'expected_close_date', type: 'date', nullable: true })
  expectedCloseDate: string | null;

  @Ref('owner_id', { nullable: true })
  ownerId: string | null;

  @Ref('contact_id', { nullable: true })
  contactId: string | null;

  @ManyToOne(() => ContactEntity, { nullable: true })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'deals_contact_fk' },
    { name: 'contact_id', referencedColumnName: 'id' },
  ])
  contact?: ContactEntity;

  @Ref('company_id', { nullable: true })
  companyId: string | null;

  @ManyToOne(() => CompanyEntity, { nullable: true })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'deals_company_fk' },
    { name: 'company_id', referencedColumnName: 'id' },
  ])
  company?: CompanyEntity;

  @Column({ name: 'custom_fields', type: 'jsonb', default: () => "'{}'" })
  customFields: Record<string, unknown>;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @At('created_at', { now: true })
  createdAt: Date;

  @At('updated_at', { now: true })
  updatedAt: Date;

  @At('deleted_at', { nullable: true })
  deletedAt: Date | null;
}
