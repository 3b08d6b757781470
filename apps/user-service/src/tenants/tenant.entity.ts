import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { BillingStatus } from '@engage/contracts';
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

  /** Where the tenant stands with Stripe (see PLANS in @engage/contracts and billing/entitlements.ts). */
  @Column({ name: 'billing_status', type: 'text', default: 'trialing' })
  billingStatus: BillingStatus;

  @Column({ name: 'trial_ends_at', type: 'timestamptz', nullable: true })
  trialEndsAt: Date | null;

  /** Seats paid for in Stripe (the subscription item's quantity); null before any subscription. */
  @Column({ name: 'seats_paid', type: 'integer', nullable: true })
  seatsPaid: number | null;

  @Column({ name: 'stripe_customer_id', type: 'text', nullable: true })
  stripeCustomerId: string | null;

  @Column({ name: 'stripe_subscription_id', type: 'text', nullable: true })
  stripeSubscriptionId: string | null;

  @Column({ name: 'current_period_end', type: 'timestamptz', nullable: true })
  currentPeriodEnd: Date | null;

  @Column({ name: 'cancel_at_period_end', type: 'boolean', default: false })
  cancelAtPeriodEnd: boolean;

  /** Stripe's time of the first payment failure of the current dunning (null when in good standing). */
  @Column({ name: 'past_due_since', type: 'timestamptz', nullable: true })
  pastDueSince: Date | null;

  /** From when writes answer 402 (past_due_since + grace, on our clock); null when in good standing. */
  @Column({ name: 'read_only_from', type: 'timestamptz', nullable: true })
  readOnlyFrom: Date | null;

  /** Stripe `created` (seconds) of the newest event whose state was applied: older events are not trusted as they are. */
  @Column({ name: 'billing_synced_at', type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  billingSyncedAt: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
