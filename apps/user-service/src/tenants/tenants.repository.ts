import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantEntity, TenantSlugEntity } from './tenant.entity';

/** SQL for tenants and the slug registry. Methods run inside a tenant-bound transaction. */
@Injectable()
export class TenantsRepository {
  /** Claims `slug` for `tenantId`; false if another tenant has it. */
  async claimSlug(tx: EntityManager, slug: string, tenantId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO identity.tenant_slugs (slug, tenant_id) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING slug`,
      [slug, tenantId],
    );
    return rows.length === 1;
  }

  /** Slug → tenant id, before any tenant is bound (login, password reset). */
  async tenantIdBySlug(tx: EntityManager, slug: string): Promise<string | null> {
    const row = await tx.getRepository(TenantSlugEntity).findOneBy({ slug });
    return row?.tenantId ?? null;
  }

  async insert(
    tx: EntityManager,
    tenant: Pick<TenantEntity, 'id' | 'name' | 'slug' | 'plan' | 'enabledModules' | 'settings'> & Partial<Pick<TenantEntity, 'billingStatus' | 'trialEndsAt'>>,
  ) {
    await tx.getRepository(TenantEntity).insert(tenant as never);
    return tx.getRepository(TenantEntity).findOneByOrFail({ id: tenant.id });
  }

  find(tx: EntityManager, tenantId: string): Promise<TenantEntity | null> {
    return tx.getRepository(TenantEntity).findOneBy({ id: tenantId });
  }

  /** The tenant row, locked until the transaction ends (billing changes are applied one at a time). */
  findForUpdate(tx: EntityManager, tenantId: string): Promise<TenantEntity | null> {
    return tx.getRepository(TenantEntity).findOne({ where: { id: tenantId }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tx: EntityManager, tenantId: string, changes: Partial<Omit<TenantEntity, 'id' | 'slug' | 'createdAt' | 'updatedAt' | 'version'>>) {
    await tx.getRepository(TenantEntity).update({ id: tenantId }, { ...changes, version: () => 'version + 1' } as never);
    return tx.getRepository(TenantEntity).findOneByOrFail({ id: tenantId });
  }

  /** Moves the billing watermark only (an event that changed nothing): no new version. */
  async markBillingSynced(tx: EntityManager, tenantId: string, syncedAtS: number): Promise<void> {
    await tx.query(`UPDATE identity.tenants SET billing_synced_at = GREATEST(COALESCE(billing_synced_at, 0), $2) WHERE id = $1`, [tenantId, syncedAtS]);
  }

  /** Records a Stripe event as applied; false when it already was (a duplicate delivery). */
  async claimStripeEvent(tx: EntityManager, eventId: string, type: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO identity.stripe_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, type],
    );
    return rows.length === 1;
  }
}
