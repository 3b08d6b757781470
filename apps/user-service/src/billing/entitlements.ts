import { type BillingStatus, FALLBACK_PLAN, PLANS, type PlanDefinition, type PlanModule, type PlanName, PlanModules, TRIAL_PLAN } from '@engage/contracts';

/** The billing facts of a tenant the rules below look at (a tenant row, or a test's literal). */
export interface BillingFacts {
  plan: PlanName;
  billingStatus: BillingStatus;
  trialEndsAt: Date | null;
  seatsPaid: number | null;
  readOnlyFrom: Date | null;
  enabledModules: readonly string[];
}

const DAY_MS = 86_400_000;

export const planOf = (name: PlanName): PlanDefinition => PLANS[name];

/** The plan a Stripe price id stands for, or null for a price that is not ours. */
export function planByPriceId(priceId: string): PlanName | null {
  for (const plan of Object.values(PLANS)) if (plan.stripePriceId === priceId) return plan.name;
  return null;
}

/** A new tenant: a trial of pro, every module on. */
export function newTenantBilling(now: Date): { plan: PlanName; billingStatus: BillingStatus; trialEndsAt: Date; enabledModules: string[] } {
  const trial = planOf(TRIAL_PLAN);
  return { plan: trial.name, billingStatus: 'trialing', trialEndsAt: new Date(now.getTime() + trial.trialDays * DAY_MS), enabledModules: [...trial.modules] };
}

/**
 * The plan in force now. A trial that ended without a subscription, or a cancelled
 * subscription, leaves the tenant on basic; nothing has to run at the trial's end for that.
 */
export function effectivePlan(t: Pick<BillingFacts, 'plan' | 'billingStatus' | 'trialEndsAt'>, now: Date): PlanName {
  if (t.billingStatus === 'trialing' && t.trialEndsAt && t.trialEndsAt.getTime() <= now.getTime()) return FALLBACK_PLAN;
  if (t.billingStatus === 'canceled' || t.billingStatus === 'trial_expired') return FALLBACK_PLAN;
  return t.plan;
}

/** The modules switched on now: those the admin left on, within the plan in force (`crm` always). */
export function effectiveModules(t: BillingFacts, now: Date): PlanModule[] {
  const included = planOf(effectivePlan(t, now)).modules;
  return PlanModules.filter((m) => m === 'crm' || (included.includes(m) && t.enabledModules.includes(m)));
}

/** The modules an admin asks for that the plan in force does not include (PATCH /v1/tenant refuses them). */
export function modulesOutsidePlan(t: BillingFacts, requested: readonly string[], now: Date): string[] {
  const included: readonly string[] = planOf(effectivePlan(t, now)).modules;
  return [...new Set(requested)].filter((m) => !included.includes(m));
}

/** Seats the tenant may fill: what it pays for, or the trial's allowance while trialing. */
export function seatAllowance(t: BillingFacts, now: Date): number {
  const plan = effectivePlan(t, now);
  const live = t.billingStatus === 'active' || t.billingStatus === 'past_due' || (t.billingStatus === 'trialing' && plan === t.plan);
  if (live && t.seatsPaid !== null) return t.seatsPaid;
  return planOf(plan).trialSeats;
}

export function paymentState(t: Pick<BillingFacts, 'billingStatus' | 'readOnlyFrom'>, now: Date): 'ok' | 'past_due' | 'read_only' {
  if (t.billingStatus !== 'past_due') return 'ok';
  return t.readOnlyFrom && t.readOnlyFrom.getTime() <= now.getTime() ? 'read_only' : 'past_due';
}

/**
 * From when a past-due tenant is read-only, on our clock: the grace period of its plan counted
 * from the first failed payment, as Stripe dates it. When Stripe's clock runs ahead of ours (a
 * test clock, or the stand-in's), the same distance is taken off, so "grace has passed" means
 * the same on both clocks.
 */
export function readOnlyFrom(plan: PlanName, pastDueSinceStripe: Date, stripeNow: Date, now: Date): Date {
  const skew = Math.max(0, stripeNow.getTime() - now.getTime());
  return new Date(pastDueSinceStripe.getTime() + planOf(plan).graceDays * DAY_MS - skew);
}

/** Stripe's subscription status in our vocabulary; null for one that does not change the tenant yet. */
export function statusFromStripe(status: string): BillingStatus | null {
  switch (status) {
    case 'active':
      return 'active';
    case 'trialing':
      return 'trialing';
    case 'past_due':
    case 'unpaid':
      return 'past_due';
    case 'canceled':
    case 'incomplete_expired':
      return 'canceled';
    default:
      // incomplete, paused: the first payment has not gone through; nothing changes yet.
      return null;
  }
}

/**
 * Whether an event's own snapshot may be applied: only when it is newer than the state already
 * applied. Events of the same second are not ordered by Stripe (a subscription's `created` and
 * its `updated` to active share one), so those, and older ones, are answered by fetching the
 * subscription as it is now.
 */
export const snapshotIsNewer = (eventCreatedS: number, syncedAtS: number | null): boolean => syncedAtS === null || eventCreatedS > syncedAtS;
