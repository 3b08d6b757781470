import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'crm', name: 'companies' })
@Index('companies_name_idx', ['tenantId', 'nameSort', 'id'], { where: '"deleted_at" IS NULL' })
@Index('companies_created_idx', ['tenantId', 'createdAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('companies_updated_idx', ['tenantId', 'updatedAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('companies_domain_idx', ['tenantId', 'domain'], { where: '"deleted_at" IS NULL' })
export class CompanyEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid' })
  id: string;

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

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @Column({ name: 'custom_fields', type: 'jsonb', default: () => "'{}'" })
  customFields: Record<string, unknown>;

  @Column({ name: 'search_doc', type: 'text', default: '' })
  searchDoc: string;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
