import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import Stripe from 'stripe';
import {
  type BillingRedirectView,
  type BillingStatus,
  billingReadOnlyKey,
  type CheckoutRequest,
  ErrorCode,
  Events,
  FALLBACK_PLAN,
  type PlanName,
  type StripeWebhookCommand,
  type SubscriptionView,
} from '@engage/contracts';
import { assertAllowed } from '@engage/access';
import type { RequestContext, TenantContext } from '@engage/context';
import { afterCommit, TenantDatabase, type Tx } from '@engage/database';
import { BadRequestError, DomainError, NotFoundError } from '@engage/errors';
import type { Logger } from '@engage/logging';
import { OutboxWriter } from '@engage/messaging';
import { LOGGER, REDIS, SERVICE_CONFIG } from '@engage/service-runtime';
import type { UserConfig } from '../config';
import { recordEvent } from '../identity-events';
import { TenantsRepository, type TenantRow } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import {
  effectiveModules,
  effectivePlan,
  paymentState,
  planByPriceId,
  planOf,
  readOnlyFrom,
  seatAllowance,
  snapshotIsNewer,
  statusFromStripe,
} from './entitlements';
import { STRIPE } from './stripe-client';

/** Stripe's webhook signature tolerance (seconds), as the SDK's default and issue 21 ask. */
const SIGNATURE_TOLERANCE_S = 300;

const HANDLED_EVENTS = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'invoice.paid',
  'invoice.payment_failed',
]);

/** Stripe could not be reached or failed: nothing was applied, the caller may retry. */
export class UpstreamError extends DomainError {
  constructor() {
    super(ErrorCode.upstreamError, 502, 'The billing provider is not answering; nothing was changed. Try again in a minute.', { retry_after_s: 30 });
  }
}

/**
 * Subscription billing with Stripe (issue 21): checkout and portal sessions for admins, the
 * subscription as the tenant sees it, and Stripe's webhooks applied to the tenant's plan,
 * modules, seats and billing state. Stripe is the source of truth; a webhook is a hint to look.
 */
@Injectable()
export class BillingService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxWriter,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(SERVICE_CONFIG) private readonly config: UserConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A Checkout Session for `seats` seats of `plan`; the plan changes when Stripe says it was paid. */
  async checkout(ctx: RequestContext, input: CheckoutRequest): Promise<BillingRedirectView> {
    assertAllowed(ctx, 'billing', 'create');
    const plan = planOf(input.plan);
    if (plan.limits.maxSeats !== null && input.seats > plan.limits.maxSeats) {
      throw new BadRequestError(`The ${plan.name} plan allows at most ${plan.limits.maxSeats} seats.`, { seats: input.seats, max: plan.limits.maxSeats });
    }
    const back = this.appUrl('/settings/billing');
    const live = await this.liveSubscription(ctx.tenantId);
    if (live) {
      // Already paying: the plan and seats of the subscription change (prorated by Stripe), no
      // second subscription; the webhook that follows applies the new plan.
      await this.callStripe(() =>
        this.stripe.subscriptions.update(
          live.id,
          {
            items: [{ id: live.items.data[0].id, price: plan.stripePriceId, quantity: input.seats }],
            proration_behavior: 'create_prorations',
            metadata: { tenant_id: ctx.tenantId, plan: plan.name },
          },
          { idempotencyKey: `plan-change:${ctx.tenantId}:${ctx.requestId}` },
        ),
      );
      return { url: `${back}?checkout=updated` };
    }
    const customer = await this.customerOf(ctx);
    const session = await this.callStripe(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer,
          client_reference_id: ctx.tenantId,
          line_items: [{ price: plan.stripePriceId, quantity: input.seats }],
          success_url: `${back}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${back}?checkout=cancelled`,
          metadata: { tenant_id: ctx.tenantId, plan: plan.name },
          subscription_data: { metadata: { tenant_id: ctx.tenantId, plan: plan.name } },
        },
        { idempotencyKey: `checkout:${ctx.tenantId}:${ctx.requestId}` },
      ),
    );
    if (!session.url) throw new UpstreamError();
    return { url: session.url };
  }

  /** A Customer Portal session: card, invoices, seats and cancellation, on Stripe's pages. */
  async portal(ctx: RequestContext): Promise<BillingRedirectView> {
    assertAllowed(ctx, 'billing', 'create');
    const customer = await this.customerOf(ctx);
    const session = await this.callStripe(() =>
      this.stripe.billingPortal.sessions.create(
        { customer, return_url: this.appUrl('/settings/billing') },
        { idempotencyKey: `portal:${ctx.tenantId}:${ctx.requestId}` },
      ),
    );
    return { url: session.url };
  }

  async subscription(ctx: RequestContext): Promise<SubscriptionView> {
    assertAllowed(ctx, 'billing', 'read');
    const now = new Date();
    const { tenant, seatsUsed } = await this.db.transaction(ctx.tenantId, async (tx) => ({
      tenant: await this.tenants.find(tx, ctx.tenantId),
      seatsUsed: await this.users.countSeats(tx, ctx.tenantId),
    }));
    if (!tenant) throw new NotFoundError('Tenant');
    let nextInvoice: SubscriptionView['next_invoice'] = null;
    if (tenant.stripeSubscriptionId && (tenant.billingStatus === 'active' || tenant.billingStatus === 'past_due' || tenant.billingStatus === 'trialing')) {
      try {
        const preview = await this.stripe.invoices.createPreview({ subscription: tenant.stripeSubscriptionId });
        nextInvoice = {
          amount_due: preview.amount_due,
          currency: preview.currency,
          due_at: preview.next_payment_attempt ? new Date(preview.next_payment_attempt * 1000).toISOString() : null,
        };
      } catch (error) {
        // The rest of the page is ours and still true; the preview is left out rather than failing it.
        this.logger.warn({ err: (error as Error).message }, 'invoice preview unavailable');
      }
    }
    const state = paymentState(tenant, now);
    return {
      plan: effectivePlan(tenant, now),
      status: tenant.billingStatus === 'trialing' && effectivePlan(tenant, now) !== tenant.plan ? 'trial_expired' : tenant.billingStatus,
      seats_used: seatsUsed,
      seats_paid: seatAllowance(tenant, now),
      trial_ends_at: tenant.trialEndsAt?.toISOString() ?? null,
      current_period_end: tenant.currentPeriodEnd?.toISOString() ?? null,
      cancel_at_period_end: tenant.cancelAtPeriodEnd,
      payment_state: state,
      read_only_from: tenant.readOnlyFrom?.toISOString() ?? null,
      modules: effectiveModules(tenant, now),
      next_invoice: nextInvoice,
    };
  }

  /**
   * A webhook from Stripe. The signature is checked first (400, nothing read or changed);
   * an event already applied, or one for a customer that is not ours, changes nothing (200).
   */
  async handleWebhook(ctx: RequestContext, input: StripeWebhookCommand): Promise<{ received: true }> {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(input.payload, input.signature, this.config.STRIPE_WEBHOOK_SECRET, SIGNATURE_TOLERANCE_S);
    } catch {
      this.logger.warn({ request_id: ctx.requestId }, 'stripe webhook refused: bad or stale signature');
      throw new BadRequestError('The Stripe-Signature is not valid.');
    }
    if (!HANDLED_EVENTS.has(event.type)) return { received: true };
    const subscriptionId = subscriptionIdOf(event);
    if (!subscriptionId) {
      this.logger.info({ event_id: event.id, type: event.type }, 'stripe event without a subscription: ignored');
      return { received: true };
    }
    const snapshot = event.type.startsWith('customer.subscription.') ? (event.data.object as Stripe.Subscription) : null;
    // Stripe is asked before the transaction: a Stripe call never holds a row lock.
    const fetched = snapshot ? null : await this.callStripe(() => this.stripe.subscriptions.retrieve(subscriptionId));
    const tenantId = tenantOfSubscription(snapshot ?? fetched!);
    if (!tenantId) {
      this.logger.warn({ event_id: event.id, type: event.type }, 'stripe event for an unknown customer: ignored');
      return { received: true };
    }
    // An event that is not newer than the applied state is not trusted as it is: the current
    // subscription is fetched (before the transaction), and applied instead.
    const stored = await this.db.transaction(tenantId, (tx) => this.tenants.find(tx, tenantId));
    if (!stored) return { received: true };
    const current =
      fetched ?? (snapshot && snapshotIsNewer(event.created, stored.billingSyncedAt) ? snapshot : await this.callStripe(() => this.stripe.subscriptions.retrieve(subscriptionId)));
    await this.db.transaction(tenantId, async (tx) => {
      const tenant = await this.tenants.findForUpdate(tx, tenantId);
      if (!tenant) return;
      if (tenant.stripeCustomerId && customerIdOf(current.customer) !== tenant.stripeCustomerId) {
        this.logger.warn({ event_id: event.id }, 'stripe event names another customer than the tenant has: ignored');
        return;
      }
      if (!(await this.tenants.claimStripeEvent(tx, event.id, event.type))) return;
      await this.apply(tx, { ...ctx, tenantId }, tenant, current, event);
    });
    return { received: true };
  }

  /** Writes the subscription's state onto the tenant, emits plan_changed, and publishes read-only in Redis. */
  private async apply(tx: Tx, ctx: TenantContext, tenant: TenantRow, sub: Stripe.Subscription, event: Stripe.Event): Promise<void> {
    const now = new Date();
    const status = statusFromStripe(sub.status);
    const item = sub.items.data[0];
    const plan: PlanName | null = item ? planByPriceId(item.price.id) : null;
    const synced = Math.max(tenant.billingSyncedAt ?? 0, event.created);
    if (tenant.stripeSubscriptionId && tenant.stripeSubscriptionId !== sub.id && status !== 'active' && status !== 'trialing') {
      // An older subscription of the tenant ending or failing does not touch the one in force.
      this.logger.info({ event_id: event.id, subscription: sub.id }, 'stripe event for a replaced subscription: ignored');
      return;
    }
    if (!status || !plan) {
      // Not paid yet (incomplete), or a price that is not ours: nothing to apply.
      await this.tenants.markBillingSynced(tx, tenant.id, synced);
      return;
    }
    const before = { plan: effectivePlan(tenant, now), modules: effectiveModules(tenant, now), seats: seatAllowance(tenant, now), status: tenant.billingStatus };
    const newPlan: PlanName = status === 'canceled' ? FALLBACK_PLAN : plan;
    const included = planOf(newPlan).modules;
    // A new plan switches on everything it includes; the same plan keeps what the admin switched off.
    const modules = newPlan !== tenant.plan ? [...included] : included.filter((m) => m === 'crm' || tenant.enabledModules.includes(m));
    const pastDueSince = status === 'past_due' ? (tenant.pastDueSince ?? new Date(event.created * 1000)) : null;
    const readOnly = pastDueSince ? readOnlyFrom(newPlan, pastDueSince, new Date(event.created * 1000), now) : null;
    const periodEnd = item?.current_period_end ? new Date(item.current_period_end * 1000) : null;
    const changes = {
      plan: newPlan,
      enabledModules: modules,
      billingStatus: status satisfies BillingStatus,
      seatsPaid: status === 'canceled' ? null : (item?.quantity ?? null),
      stripeCustomerId: customerIdOf(sub.customer),
      stripeSubscriptionId: status === 'canceled' ? null : sub.id,
      trialEndsAt: sub.trial_end ? new Date(sub.trial_end * 1000) : status === 'trialing' ? tenant.trialEndsAt : null,
      currentPeriodEnd: status === 'canceled' ? null : periodEnd,
      cancelAtPeriodEnd: status === 'canceled' ? false : Boolean(sub.cancel_at_period_end),
      pastDueSince,
      readOnlyFrom: readOnly,
    };
    if (!materiallyDifferent(tenant, changes)) {
      // Nothing new (an invoice.paid after the update that said so, a trial notice): no version, no event.
      await this.tenants.markBillingSynced(tx, tenant.id, synced);
      return;
    }
    const updated = await this.tenants.update(tx, tenant.id, { ...changes, billingSyncedAt: synced });
    const after = { plan: effectivePlan(updated, now), modules: effectiveModules(updated, now), seats: seatAllowance(updated, now), status: updated.billingStatus };
    await recordEvent(this.outbox, tx, ctx, Events.user.tenantPlanChanged, { id: tenant.id, version: updated.version }, {
      tenant_id: tenant.id,
      from: before,
      to: after,
      stripe_event_id: event.id,
    });
    afterCommit(tx, () => this.publishReadOnly(tenant.id, readOnly));
  }

  /** The gateway refuses writes from `from` on (ADR 0025); absent key: in good standing. */
  private async publishReadOnly(tenantId: string, from: Date | null): Promise<void> {
    if (from) await this.redis.set(billingReadOnlyKey(tenantId), String(from.getTime()));
    else await this.redis.del(billingReadOnlyKey(tenantId));
  }

  /** The tenant's subscription when Stripe still bills it (active, trialing or past due), else null. */
  private async liveSubscription(tenantId: string): Promise<Stripe.Subscription | null> {
    const tenant = await this.db.transaction(tenantId, (tx) => this.tenants.find(tx, tenantId));
    if (!tenant?.stripeSubscriptionId) return null;
    const sub = await this.callStripe(() => this.stripe.subscriptions.retrieve(tenant.stripeSubscriptionId!));
    return ['active', 'trialing', 'past_due'].includes(sub.status) && sub.items.data.length > 0 ? sub : null;
  }

  /** The tenant's Stripe customer, created on first use (idempotent: one customer per tenant). */
  private async customerOf(ctx: RequestContext & { tenantId: string }): Promise<string> {
    const tenant = await this.db.transaction(ctx.tenantId, (tx) => this.tenants.find(tx, ctx.tenantId));
    if (!tenant) throw new NotFoundError('Tenant');
    if (tenant.stripeCustomerId) return tenant.stripeCustomerId;
    const customer = await this.callStripe(() =>
      this.stripe.customers.create(
        { name: tenant.name, metadata: { tenant_id: tenant.id, slug: tenant.slug } },
        // The same key for every attempt: two admins clicking at once still make one customer.
        { idempotencyKey: `customer:${tenant.id}` },
      ),
    );
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const locked = await this.tenants.findForUpdate(tx, ctx.tenantId);
      if (locked?.stripeCustomerId) return locked.stripeCustomerId;
      await this.tenants.update(tx, ctx.tenantId, { stripeCustomerId: customer.id });
      return customer.id;
    });
  }

  private async callStripe<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, type: (error as { type?: string }).type }, 'stripe call failed');
      throw new UpstreamError();
    }
  }

  private appUrl(path: string): string {
    return `${(this.config.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/$/, '')}${path}`;
  }
}

/** Whether applying `changes` would change anything a user or the gateway can see. */
function materiallyDifferent(tenant: TenantRow, changes: Partial<TenantRow>): boolean {
  const same = (a: unknown, b: unknown) =>
    a instanceof Date || b instanceof Date ? (a as Date | null)?.getTime() === (b as Date | null)?.getTime() : JSON.stringify(a) === JSON.stringify(b);
  return Object.entries(changes).some(([key, value]) => !same(tenant[key as keyof TenantRow], value));
}

/** The tenant a subscription belongs to, from the metadata our checkout put on it. */
function tenantOfSubscription(sub: Stripe.Subscription): string | null {
  const tenantId = sub.metadata?.tenant_id;
  return tenantId && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId) ? tenantId : null;
}

const customerIdOf = (customer: string | { id: string }): string => (typeof customer === 'string' ? customer : customer.id);

/** The subscription an event is about, whatever object it carries. */
export function subscriptionIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as unknown as Record<string, unknown>;
  if (event.type.startsWith('customer.subscription.')) return String(object.id);
  if (event.type === 'checkout.session.completed') return idOf(object.subscription);
  if (event.type.startsWith('invoice.')) {
    const parent = object.parent as { subscription_details?: { subscription?: unknown } } | null | undefined;
    return idOf(parent?.subscription_details?.subscription ?? object.subscription);
  }
  return null;
}

const idOf = (value: unknown): string | null =>
  typeof value === 'string' ? value : value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : null;
