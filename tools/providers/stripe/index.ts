/**
 * The Stripe stand-in (SPEC §6): the `stripe` SDK pointed at it behaves as against Stripe's
 * test mode for the billing paths Engage uses, and it sends the signed webhooks Stripe sends.
 */
import Stripe from 'stripe';

export * from './constants';
export { startStripeStandIn, type StripeStandIn, type StripeStandInOptions } from './server';
export { signStripePayload, type Delivery } from './webhooks';

/** The official SDK pointed at a stand-in (or any base URL): how services and tests build their client. */
export function createStripeClientFor(baseUrl: string, key: string, config: Stripe.StripeConfig = {}): Stripe {
  const url = new URL(baseUrl);
  return new Stripe(key, {
    ...config,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  });
}
