import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { IdKey } from '@engage/database';

/** Global registry of slugs → tenant ids: the only way to find a tenant before knowing it (login). */
@Entity({ schema: 'identity', name: 'tenant_slugs' })
export class TenantSlugEntity {
  @PrimaryColumn({ type: 'text' })
  slug: string;

  @Column({ name: 'tenant_id', type: 'uuid', unique: true })
  tenantId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The company account. Its id is the tenant id every other row carries. */
@Entity({ schema: 'identity', name: 'tenants' })
export class TenantEntity {
  @IdKey()
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ type: 'text', default: 'basic' })
  plan: 'basic' | 'pro' | 'enterprise';

  @Column({ name: 'enabled_modules', type: 'text', array: true, default: () => `'{crm}'` })
  enabledModules: string[];

  @Column({ type: 'jsonb', default: () => `'{}'` })
  settings: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
