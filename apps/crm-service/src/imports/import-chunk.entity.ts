import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ImportJobEntity } from './import-job.entity';
import { TenantKey } from '@engage/database';

/** A piece of an uploaded CSV, in file order; deleted once the import finished. */
@Entity({ schema: 'crm', name: 'import_chunks' })
export class ImportChunkEntity {
  @TenantKey()
  tenantId: string;

  @PrimaryColumn({ name: 'import_id', type: 'uuid' })
  importId: string;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @ManyToOne(() => ImportJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'import_chunks_import_fk' },
    { name: 'import_id', referencedColumnName: 'id' },
  ])
  job?: ImportJobEntity;

  @Column({ type: 'bytea' })
  data: Buffer;
}
