import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CompanyEntity } from '../companies/company.entity';
import { Ref, At, TenantRecord } from '@engage/database';

/**
 * A person the tenant sells to. `name_sort`, `first_key` and `last_key` are derived on every write
 * (see contact-search.ts): folded names for sorting and for the btree lookups search is made of.
 */
@Entity({ schema: 'crm', name: 'contacts' })
@Index('contacts_created_idx', ['tenantId', 'createdAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('contacts_updated_idx', ['tenantId', 'updatedAt', 'id'], { where: '"deleted_at" IS NULL' })
@Index('contacts_name_idx', ['tenantId', 'nameSort', 'id'], { where: '"deleted_at" IS NULL' })
@Index('contacts_score_idx', ['tenantId', 'leadScore', 'id'], { where: '"deleted_at" IS NULL' })
@Index('contacts_owner_idx', ['tenantId', 'ownerId'])
// Company, then both name keys and the id, deleted_at included, for ordered search lookups: hand-written in a migration.
@Index('contacts_company_idx', { synchronize: false })
@Index('contacts_deleted_idx', ['tenantId', 'deletedAt'], { where: '"deleted_at" IS NOT NULL' })
// Both name keys and the id as keys, company included, for ordered index-only search lookups: hand-written in a migration.
@Index('contacts_first_key_idx', { synchronize: false })
@Index('contacts_last_key_idx', { synchronize: false })
export class ContactEntity extends TenantRecord {
  @Column({ name: 'first_name', type: 'text', nullable: true })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'text', nullable: true })
  lastName: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  emails: string[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  phones: unknown[];

  @Ref('company_id', { nullable: true })
  companyId: string | null;

  @ManyToOne(() => CompanyEntity, { nullable: true })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'contacts_company_fk' },
    { name: 'company_id', referencedColumnName: 'id' },
  ])
  company?: CompanyEntity;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Ref('owner_id', { nullable: true })
  ownerId: string | null;

  @Column({ name: 'lifecycle_stage', type: 'text', default: 'lead' })
  lifecycleStage: string;

  @Column({ name: 'lead_score', type: 'integer', default: 0 })
  leadScore: number;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', nullable: true })
  source: string | null;

  @Column({ type: 'text', nullable: true })
  timezone: string | null;

  @Column({ name: 'custom_fields', type: 'jsonb', default: () => "'{}'" })
  customFields: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @At('last_contacted_at', { nullable: true })
  lastContactedAt: Date | null;

  @Column({ name: 'name_sort', type: 'text', collation: 'C', default: '' })
  nameSort: string;

  /** Folded first name (lower case, no accents): exact and prefix matches through a btree. */
  @Column({ name: 'first_key', type: 'text', collation: 'C', default: '' })
  firstKey: string;

  @Column({ name: 'last_key', type: 'text', collation: 'C', default: '' })
  lastKey: string;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @At('created_at', { now: true })
  createdAt: Date;

  @At('updated_at', { now: true })
  updatedAt: Date;

  @At('deleted_at', { nullable: true })
  deletedAt: Date | null;

  @Ref('merged_into', { nullable: true })
  mergedInto: string | null;
}
