/**
 * Development credentials and the price catalogue of the Stripe stand-in. They are public on
 * purpose: the stand-in only runs on a developer machine or in CI, and `.engage/providers.json`
 * records them so tests can call the API and sign webhooks exactly as Stripe would.
 */
export const STRIPE_STAND_IN_SECRET_KEY = 'sk_test_51EngageStandIn0DevelopmentOnly0NotASecret';
export const STRIPE_STAND_IN_WEBHOOK_SECRET = 'whsec_EngageStandInDevelopmentSigningSecret0';
/** The API version the installed SDK pins; the stand-in answers in that shape. */
export const STRIPE_STAND_IN_API_VERSION = '2026-10-28.endive';

export interface StandInPrice {
  id: string;
  product: string;
  nickname: string;
  lookup_key: string;
  /** Per seat and per month, in the smallest currency unit. */
  unit_amount: number;
  currency: string;
  interval: 'month' | 'year';
}

/** One recurring per-seat price per Engage plan. */
export const DEFAULT_PRICES: readonly StandInPrice[] = [
  { id: 'price_basic_seat', product: 'prod_engage_basic', nickname: 'Basic (per seat)', lookup_key: 'basic_seat', unit_amount: 1500, currency: 'usd', interval: 'month' },
  { id: 'price_pro_seat', product: 'prod_engage_pro', nickname: 'Pro (per seat)', lookup_key: 'pro_seat', unit_amount: 3900, currency: 'usd', interval: 'month' },
  { id: 'price_enterprise_seat', product: 'prod_engage_enterprise', nickname: 'Enterprise (per seat)', lookup_key: 'enterprise_seat', unit_amount: 7900, currency: 'usd', interval: 'month' },
];
