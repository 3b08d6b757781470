import Stripe from 'stripe';
import type { UserConfig } from '../config';

/** Injection token of the Stripe SDK client. */
export const STRIPE = Symbol('STRIPE');

/**
 * The official SDK, pointed at the stand-in when STRIPE_API_BASE_URL is set (development, tests)
 * and at api.stripe.com otherwise. One retry of a network error or a 5xx; the caller turns a
 * failure into 502 upstream_error with nothing applied.
 */
export function createStripeClient(config: Pick<UserConfig, 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE_URL'>): Stripe {
  const base = config.STRIPE_API_BASE_URL ? new URL(config.STRIPE_API_BASE_URL) : null;
  return new Stripe(config.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 1,
    timeout: 10_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? ('https' as const) : ('http' as const),
        }
      : {}),
  });
}
