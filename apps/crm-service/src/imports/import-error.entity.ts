import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ImportJobEntity } from './import-job.entity';
import { TenantKey } from '@engage/database';

/** Why one row of an import was not written (one per row: the first problem found). */
@Entity({ schema: 'crm', name: 'import_errors' })
export class ImportErrorEntity {
  @TenantKey()
  tenantId: string;

  @PrimaryColumn({ name: 'import_id', type: 'uuid' })
  importId: string;

  @PrimaryColumn({ type: 'integer' })
  row: number;

  @ManyToOne(() => ImportJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'import_errors_import_fk' },
    { name: 'import_id', referencedColumnName: 'id' },
  ])
  job?: ImportJobEntity;

  @Column({ type: 'text', nullable: true })
  field: string | null;

  @Column({ type: 'text' })
  reason: string;
}
