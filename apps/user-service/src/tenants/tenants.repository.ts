import { Injectable } from '@nestjs/common';
import type { BillingStatus, PlanName } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { assignments, columnValues, type ColumnWrite } from '../database/assignments';

/**
 * A tenant as stored (`identity.tenants`), in the shape the billing rules read (BillingFacts).
 * Times are Dates: the rules compare them with the clock and the views have always sent them
 * with millisecond precision.
 */
export interface TenantRow {
  id: string;
  name: string;
  slug: string;
  plan: PlanName;
  enabledModules: string[];
  settings: Record<string, unknown>;
  /** Where the tenant stands with Stripe (see PLANS in @engage/contracts and billing/entitlements.ts). */
  billingStatus: BillingStatus;
  trialEndsAt: Date | null;
  /** Seats paid for in Stripe (the subscription item's quantity); null before any subscription. */
  seatsPaid: number | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** Stripe's time of the first payment failure of the current dunning (null when in good standing). */
  pastDueSince: Date | null;
  /** From when writes answer 402 (past_due_since + grace, on our clock); null when in good standing. */
  readOnlyFrom: Date | null;
  /** Stripe `created` (seconds) of the newest event whose state was applied: older events are not trusted as they are. */
  billingSyncedAt: number | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export type TenantChanges = Partial<Omit<TenantRow, 'id' | 'slug' | 'createdAt' | 'updatedAt' | 'version'>>;

/** A new tenant: its id, slug, name, plan, modules and settings, and any other billing field to start with. */
export type TenantInsert = Pick<TenantRow, 'id' | 'name' | 'slug' | 'plan' | 'enabledModules' | 'settings'> & TenantChanges;

// billing_synced_at is a bigint (seconds), which the driver reads as a string: read as a number.
const COLUMNS = `id, name, slug, plan, enabled_modules AS "enabledModules", settings, billing_status AS "billingStatus",
  trial_ends_at AS "trialEndsAt", seats_paid AS "seatsPaid", stripe_customer_id AS "stripeCustomerId",
  stripe_subscription_id AS "stripeSubscriptionId", current_period_end AS "currentPeriodEnd", cancel_at_period_end AS "cancelAtPeriodEnd",
  past_due_since AS "pastDueSince", read_only_from AS "readOnlyFrom", billing_synced_at::float8 AS "billingSyncedAt",
  created_at AS "createdAt", updated_at AS "updatedAt", version`;

const WRITABLE: { readonly [K in keyof TenantChanges]-?: ColumnWrite } = {
  name: { column: 'name' },
  plan: { column: 'plan' },
  enabledModules: { column: 'enabled_modules', cast: 'text[]' },
  settings: { column: 'settings', cast: 'jsonb' },
  billingStatus: { column: 'billing_status' },
  trialEndsAt: { column: 'trial_ends_at' },
  seatsPaid: { column: 'seats_paid' },
  stripeCustomerId: { column: 'stripe_customer_id' },
  stripeSubscriptionId: { column: 'stripe_subscription_id' },
  currentPeriodEnd: { column: 'current_period_end' },
  cancelAtPeriodEnd: { column: 'cancel_at_period_end' },
  pastDueSince: { column: 'past_due_since' },
  readOnlyFrom: { column: 'read_only_from' },
  billingSyncedAt: { column: 'billing_synced_at' },
};

/** SQL for tenants and the slug registry. Methods run inside a tenant-bound transaction. */
@Injectable()
export class TenantsRepository {
  /** Claims `slug` for `tenantId`; false if another tenant has it. */
  async claimSlug(tx: Tx, slug: string, tenantId: string): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO identity.tenant_slugs (slug, tenant_id) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING slug`,
      [slug, tenantId],
    );
    return rows.length === 1;
  }

  /** Slug → tenant id, before any tenant is bound (login, password reset). */
  async tenantIdBySlug(tx: Tx, slug: string): Promise<string | null> {
    const rows = await tx.query<{ tenant_id: string }>(`SELECT tenant_id FROM identity.tenant_slugs WHERE slug = $1`, [slug]);
    return rows[0]?.tenant_id ?? null;
  }

  /** A new tenant at version 1; fields not given take their column's default (billing status trialing…). */
  async insert(tx: Tx, tenant: TenantInsert): Promise<TenantRow> {
    const { id, slug, ...fields } = tenant;
    const params: unknown[] = [id, slug];
    const written = columnValues(fields, WRITABLE, params);
    const rows = await tx.query<TenantRow>(
      `INSERT INTO identity.tenants (id, slug, version, ${written.map((w) => w.column).join(', ')})
       VALUES ($1, $2, 1, ${written.map((w) => w.value).join(', ')}) RETURNING ${COLUMNS}`,
      params,
    );
    return rows[0];
  }

  async find(tx: Tx, tenantId: string): Promise<TenantRow | null> {
    const rows = await tx.query<TenantRow>(`SELECT ${COLUMNS} FROM identity.tenants WHERE id = $1`, [tenantId]);
    return rows[0] ?? null;
  }

  /** The tenant row, locked until the transaction ends (billing changes and seat counts are applied one at a time). */
  async findForUpdate(tx: Tx, tenantId: string): Promise<TenantRow | null> {
    const rows = await tx.query<TenantRow>(`SELECT ${COLUMNS} FROM identity.tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
    return rows[0] ?? null;
  }

  /** Writes `changes`, with a new version and update time; answers the row as it now is. */
  async update(tx: Tx, tenantId: string, changes: TenantChanges): Promise<TenantRow> {
    const params: unknown[] = [tenantId];
    const sets = assignments(changes, WRITABLE, params);
    const rows = await tx.query<TenantRow>(
      `UPDATE identity.tenants SET ${[...sets, 'version = version + 1', 'updated_at = CURRENT_TIMESTAMP'].join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
      params,
    );
    if (!rows[0]) throw new Error(`tenant ${tenantId} not found to update`);
    return rows[0];
  }

  /** Moves the billing watermark only (an event that changed nothing): no new version. */
  async markBillingSynced(tx: Tx, tenantId: string, syncedAtS: number): Promise<void> {
    await tx.query(`UPDATE identity.tenants SET billing_synced_at = GREATEST(COALESCE(billing_synced_at, 0), $2) WHERE id = $1`, [tenantId, syncedAtS]);
  }

  /** Records a Stripe event as applied; false when it already was (a duplicate delivery). */
  async claimStripeEvent(tx: Tx, eventId: string, type: string): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO identity.stripe_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, type],
    );
    return rows.length === 1;
  }
}
