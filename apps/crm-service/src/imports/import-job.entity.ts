import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A CSV import: its options, where it stands, and its counters (updated with every batch). */
@Entity({ schema: 'crm', name: 'imports' })
@Index('imports_created_idx', ['tenantId', 'createdAt'])
export class ImportJobEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid' })
  id: string;

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

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  /** The creator's role when the import was made: it decides whose contacts the import may update. */
  @Column({ name: 'created_by_role', type: 'text', nullable: true })
  createdByRole: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt: Date | null;
}
