import { Column, Entity, Index } from 'typeorm';
import { Ref, At, TenantRecord } from '@engage/database';

@Entity({ schema: 'crm', name: 'companies' })
@Index('companies_name_idx', ['tenantId', 'nameSort', 'id'], { where: '"deleted_at" IS NULL' })
@Index('companies_created_idx', ['tenantId', 'createdAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('companies_updated_idx', ['tenantId', 'updatedAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('companies_domain_idx', ['tenantId', 'domain'], { where: '"deleted_at" IS NULL' })
export class CompanyEntity extends TenantRecord {
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'name_sort', type: 'text', collation: 'C' })
  nameSort: string;

  @Column({ type: 'text', nullable: true })
  domain: string | null;

  @Column({ type: 'text', nullable: true })
  industry: string | null;

  @Column({ type: 'text', nullable: true })
  size: string | null;

  @Ref('owner_id', { nullable: true })
  ownerId: string | null;

  @Column({ name: 'custom_fields', type: 'jsonb', default: () => "'{}'" })
  customFields: Record<string, unknown>;

  @Column({ name: 'search_doc', type: 'text', default: '' })
  searchDoc: string;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @At('created_at', { now: true })
  createdAt: Date;

  @At('updated_at', { now: true })
  updatedAt: Date;

  @At('deleted_at', { nullable: true })
  deletedAt: Date | null;
}
