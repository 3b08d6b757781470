import { Column, Entity, Index } from 'typeorm';
import { Ref, At, TenantRecord } from '@engage/database';

/** A CSV import: its options, where it stands, and its counters (updated with every batch). */
@Entity({ schema: 'crm', name: 'imports' })
@Index('imports_created_idx', ['tenantId', 'createdAt'])
export class ImportJobEntity extends TenantRecord {
  @Column({ type: 'text', default: 'receiving' })
  status: string;

  @Column({ type: 'text', nullable: true })
  filename: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  mapping: Record<string, string>;

  @Column({ name: 'on_duplicate', type: 'text', default: 'update' })
  onDuplicate: string;

  @Column({ name: 'default_country', type: 'text', nullable: true })
  defaultCountry: string | null;

  @Column({ name: 'received_bytes', type: 'bigint', default: 0 })
  receivedBytes: string;

  @Column({ type: 'integer', default: 0 })
  processed: number;

  @Column({ type: 'integer', default: 0 })
  created: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  skipped: number;

  @Column({ type: 'integer', default: 0 })
  failed: number;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Ref('created_by', { nullable: true })
  createdBy: string | null;

  /** The creator's role when the import was made: it decides whose contacts the import may update. */
  @Column({ name: 'created_by_role', type: 'text', nullable: true })
  createdByRole: string | null;

  @At('created_at', { now: true })
  createdAt: Date;

  @At('started_at', { nullable: true })
  startedAt: Date | null;

  @At('finished_at', { nullable: true })
  finishedAt: Date | null;

  @At('heartbeat_at', { nullable: true })
  heartbeatAt: Date | null;
}
