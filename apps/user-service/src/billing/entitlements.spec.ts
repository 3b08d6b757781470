import { PLANS, PlanModules } from '@engage/contracts';
import {
  type BillingFacts,
  effectiveModules,
  effectivePlan,
  modulesOutsidePlan,
  newTenantBilling,
  paymentState,
  planByPriceId,
  readOnlyFrom,
  seatAllowance,
  snapshotIsNewer,
  statusFromStripe,
} from './entitlements';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const facts = (over: Partial<BillingFacts> = {}): BillingFacts => ({
  plan: 'pro',
  billingStatus: 'active',
  trialEndsAt: null,
  seatsPaid: 5,
  readOnlyFrom: null,
  enabledModules: [...PLANS.pro.modules],
  ...over,
});

describe('the plan table', () => {
  it('puts crm in every plan and only known modules anywhere', () => {
    for (const plan of Object.values(PLANS)) {
      expect(plan.modules).toContain('crm');
      for (const m of plan.modules) expect(PlanModules).toContain(m);
    }
  });
  it('knows each plan by its Stripe price, and no other price', () => {
    expect(planByPriceId('price_basic_seat')).toBe('basic');
    expect(planByPriceId('price_pro_seat')).toBe('pro');
    expect(planByPriceId('price_enterprise_seat')).toBe('enterprise');
    expect(planByPriceId('price_other')).toBeNull();
  });
  it('leaves telephony, webhooks and API keys out of basic', () => {
    expect(PLANS.basic.modules).not.toEqual(expect.arrayContaining(['telephony']));
    expect(PLANS.basic.modules).not.toContain('api_keys');
  });
});

describe('a new tenant', () => {
  it('starts on a trial of pro with every module, including telephony', () => {
    const t = newTenantBilling(NOW);
    expect(t).toMatchObject({ plan: 'pro', billingStatus: 'trialing' });
    expect(t.enabledModules).toEqual([...PLANS.pro.modules]);
    expect(t.trialEndsAt.getTime() - NOW.getTime()).toBe(PLANS.pro.trialDays * DAY);
  });
  it('falls back to basic when the trial ended without a subscription', () => {
    const t = facts({ billingStatus: 'trialing', trialEndsAt: new Date(NOW.getTime() - 1), seatsPaid: null });
    expect(effectivePlan(t, NOW)).toBe('basic');
    expect(effectiveModules(t, NOW)).not.toContain('telephony');
    expect(seatAllowance(t, NOW)).toBe(PLANS.basic.trialSeats);
  });
  it('may fill the trial seat allowance while trialing', () => {
    expect(seatAllowance(facts({ billingStatus: 'trialing', trialEndsAt: new Date(NOW.getTime() + DAY), seatsPaid: null }), NOW)).toBe(PLANS.pro.trialSeats);
  });
});

describe('modules', () => {
  it('may be switched off within the plan, and crm never', () => {
    expect(effectiveModules(facts({ enabledModules: ['telephony'] }), NOW)).toEqual(['crm', 'telephony']);
  });
  it('outside the plan are named for PATCH /v1/tenant to refuse', () => {
    expect(modulesOutsidePlan(facts({ plan: 'basic' }), ['crm', 'telephony', 'api_keys'], NOW)).toEqual(['telephony', 'api_keys']);
    expect(modulesOutsidePlan(facts(), ['crm', 'telephony'], NOW)).toEqual([]);
  });
  it('are those of basic once the subscription is cancelled', () => {
    expect(effectivePlan(facts({ billingStatus: 'canceled' }), NOW)).toBe('basic');
    expect(effectiveModules(facts({ billingStatus: 'canceled' }), NOW)).toEqual(['crm', 'email_sync']);
  });
});

describe('seats', () => {
  it('are the paid quantity on an active or past-due subscription', () => {
    expect(seatAllowance(facts({ seatsPaid: 7 }), NOW)).toBe(7);
    expect(seatAllowance(facts({ seatsPaid: 7, billingStatus: 'past_due' }), NOW)).toBe(7);
  });
});

describe('past due', () => {
  it('is read-only only once the grace period has passed', () => {
    const since = new Date(NOW.getTime() - 2 * DAY);
    const from = readOnlyFrom('pro', since, NOW, NOW);
    expect(from.getTime()).toBe(since.getTime() + PLANS.pro.graceDays * DAY);
    expect(paymentState({ billingStatus: 'past_due', readOnlyFrom: from }, NOW)).toBe('past_due');
    expect(paymentState({ billingStatus: 'past_due', readOnlyFrom: from }, new Date(from.getTime()))).toBe('read_only');
    expect(paymentState({ billingStatus: 'active', readOnlyFrom: from }, new Date(from.getTime() + DAY))).toBe('ok');
  });
  it('counts the grace on Stripe’s clock when it runs ahead (test clocks)', () => {
    // Payment failed at Stripe time T; Stripe now says T + 30 days while our clock says NOW.
    const failed = new Date(NOW.getTime() + 10 * DAY);
    const stripeNow = new Date(failed.getTime() + 30 * DAY);
    expect(readOnlyFrom('pro', failed, stripeNow, NOW).getTime()).toBeLessThan(NOW.getTime());
    expect(readOnlyFrom('pro', failed, failed, NOW).getTime()).toBeGreaterThan(NOW.getTime());
  });
  it('maps Stripe statuses; incomplete changes nothing yet', () => {
    expect(statusFromStripe('unpaid')).toBe('past_due');
    expect(statusFromStripe('incomplete_expired')).toBe('canceled');
    expect(statusFromStripe('incomplete')).toBeNull();
  });
});

describe('reordered events', () => {
  it('trust an event’s own snapshot only when it is newer than the state applied', () => {
    expect(snapshotIsNewer(100, null)).toBe(true);
    expect(snapshotIsNewer(101, 100)).toBe(true);
    // Same second (Stripe does not order them) or older: fetch the subscription as it is now.
    expect(snapshotIsNewer(100, 100)).toBe(false);
    expect(snapshotIsNewer(99, 100)).toBe(false);
  });
});
