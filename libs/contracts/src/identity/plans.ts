/**
 * The plan table: what each subscription plan includes and costs. One table, read by
 * user-service (entitlements, Stripe prices) and by anyone who shows or enforces a plan's
 * limits. Data only; the rules that apply it live in user-service (billing/entitlements.ts).
 */

/** Parts of the product a plan may include; `crm` is in every plan. */
export const PlanModules = ['crm', 'telephony', 'email_sync', 'webhooks', 'api_keys'] as const;
export type PlanModule = (typeof PlanModules)[number];

export const PlanNames = ['basic', 'pro', 'enterprise'] as const;
export type PlanName = (typeof PlanNames)[number];

export interface PlanDefinition {
  name: PlanName;
  /** The recurring per-seat Stripe price (the stand-in knows these ids; production configures the same ids). */
  stripePriceId: string;
  /** Per seat and month, in cents (USD); what Stripe charges, shown before checkout. */
  seatPriceCents: number;
  modules: readonly PlanModule[];
  limits: {
    /** Most seats one subscription may buy (null: no limit). */
    maxSeats: number | null;
    webhookEndpoints: number;
    importRowsPerMonth: number;
  };
  /** Days of a free trial when a tenant starts on this plan (0: none). */
  trialDays: number;
  /** Seats a tenant may fill while on the trial, before anything is paid. */
  trialSeats: number;
  /** Days a past-due tenant keeps working normally before it becomes read-only. */
  graceDays: number;
}

export const PLANS: Readonly<Record<PlanName, PlanDefinition>> = {
  basic: {
    name: 'basic',
    stripePriceId: 'price_basic_seat',
    seatPriceCents: 1500,
    modules: ['crm', 'email_sync'],
    limits: { maxSeats: 10, webhookEndpoints: 0, importRowsPerMonth: 10_000 },
    trialDays: 0,
    trialSeats: 3,
    graceDays: 7,
  },
  pro: {
    name: 'pro',
    stripePriceId: 'price_pro_seat',
    seatPriceCents: 3900,
    modules: ['crm', 'telephony', 'email_sync', 'webhooks', 'api_keys'],
    limits: { maxSeats: 200, webhookEndpoints: 10, importRowsPerMonth: 250_000 },
    trialDays: 14,
    trialSeats: 10,
    graceDays: 7,
  },
  enterprise: {
    name: 'enterprise',
    stripePriceId: 'price_enterprise_seat',
    seatPriceCents: 7900,
    modules: ['crm', 'telephony', 'email_sync', 'webhooks', 'api_keys'],
    limits: { maxSeats: null, webhookEndpoints: 100, importRowsPerMonth: 5_000_000 },
    trialDays: 30,
    trialSeats: 25,
    graceDays: 14,
  },
};

/** The plan a new tenant tries for free (every module) and the one a cancelled subscription falls back to. */
export const TRIAL_PLAN: PlanName = 'pro';
export const FALLBACK_PLAN: PlanName = 'basic';

/** Where the tenant stands with Stripe. `read_only` is past due beyond the grace period. */
export const BillingStatuses = ['trialing', 'active', 'past_due', 'canceled', 'trial_expired'] as const;
export type BillingStatus = (typeof BillingStatuses)[number];

/**
 * Redis key (written by user-service, read by the gateway on writes): the epoch milliseconds from
 * which a past-due tenant is read-only. Absent when the tenant is in good standing.
 */
export const billingReadOnlyKey = (tenantId: string) => `billing:read_only_from:${tenantId}`;
