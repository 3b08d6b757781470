import { Column, Entity, Index } from 'typeorm';
import { At, TenantRecord } from '@engage/database';

/** A tenant-defined field of contacts, companies or deals; values live in each record's `custom_fields`. */
@Entity({ schema: 'crm', name: 'custom_field_definitions' })
@Index('custom_field_definitions_key_idx', ['tenantId', 'objectType', 'key'], { unique: true })
export class CustomFieldEntity extends TenantRecord {
  @Column({ name: 'object_type', type: 'text' })
  objectType: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  label: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  options: string[];

  @Column({ type: 'boolean', default: false })
  required: boolean;

  @At('created_at', { now: true })
  createdAt: Date;
}
