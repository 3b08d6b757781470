/**
 * The control API under /_standin: what a test does to script Stripe's side of a story —
 * the customer paying at Checkout, time passing, a card being declined, webhooks arriving
 * twice, late, out of order or with a stale signature, and Stripe being down.
 */
import { CONTROL_CAUSE, type StripeAccount } from './account';
import { invalidRequest, missingParam } from './errors';
import type { SubscriptionLifecycle } from './lifecycle';
import type { Json } from './objects';
import { route, type Route } from './router';

export interface ControlRequest {
  params: Record<string, string>;
  body: Json;
}
export type ControlHandler = (request: ControlRequest) => Json;

export interface ControlState {
  outage: boolean;
}

function numberField(body: Json, name: string, fallback?: number): number {
  const value = body[name] ?? fallback;
  if (value === undefined) throw missingParam(name);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidRequest(`${name} must be a non-negative integer`);
  return value;
}

export function controlRoutes(account: StripeAccount, lifecycle: SubscriptionLifecycle, state: ControlState): Route<ControlHandler>[] {
  const { store, webhooks } = account;
  const sub = (req: ControlRequest) => store.subscription(req.params.id);
  const subscriptionReply = (req: ControlRequest): Json => account.subscriptionJson(sub(req));
  const eventSummaries = () => [...store.events.values()].map((e) => ({ id: e.id, type: e.type, created: e.created, object_id: e.data.object.id }));

  return [
    route('GET', '/_standin', () => ({
      now: store.now(),
      clock_offset_seconds: store.clockOffsetSeconds,
      webhook_url: webhooks.url,
      holding_events: webhooks.holding,
      outage: state.outage,
    })),
    route('POST', '/_standin/reset', () => {
      store.reset();
      webhooks.reset();
      state.outage = false;
      return { reset: true };
    }),
    route('POST', '/_standin/webhook', (req) => {
      const url = req.body.url;
      if (url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) throw invalidRequest('url must be an http(s) URL or null');
      webhooks.url = url;
      return { webhook_url: webhooks.url };
    }),
    route('POST', '/_standin/outage', (req) => {
      if (typeof req.body.enabled !== 'boolean') throw missingParam('enabled');
      state.outage = req.body.enabled;
      return { outage: state.outage };
    }),

    // Checkout
    route('POST', '/_standin/checkout/:id/complete', (req) => {
      const session = store.checkoutSession(req.params.id);
      account.completeCheckout(session);
      return { session_id: session.id, customer: session.customer, subscription: session.subscription, invoice: session.invoice };
    }),
    route('POST', '/_standin/checkout/:id/expire', (req) => {
      account.expireCheckout(store.checkoutSession(req.params.id), CONTROL_CAUSE);
      return { session_id: req.params.id, status: 'expired' };
    }),

    // Time and subscriptions
    route('GET', '/_standin/clock', () => ({ now: store.now(), clock_offset_seconds: store.clockOffsetSeconds })),
    route('POST', '/_standin/clock/advance', (req) => {
      lifecycle.advanceClock(numberField(req.body, 'seconds'));
      return { now: store.now(), clock_offset_seconds: store.clockOffsetSeconds };
    }),
    route('POST', '/_standin/subscriptions/:id/renew', (req) => {
      lifecycle.renew(sub(req));
      return subscriptionReply(req);
    }),
    route('POST', '/_standin/subscriptions/:id/fail_next_payment', (req) => {
      lifecycle.failNextPayment(sub(req));
      return subscriptionReply(req);
    }),
    route('POST', '/_standin/subscriptions/:id/recover', (req) => {
      lifecycle.recover(sub(req));
      return subscriptionReply(req);
    }),
    route('POST', '/_standin/subscriptions/:id/cancel_at_period_end', (req) => {
      lifecycle.cancelAtPeriodEnd(sub(req));
      return subscriptionReply(req);
    }),
    route('POST', '/_standin/subscriptions/:id/delete', (req) => {
      account.cancelSubscription(sub(req), CONTROL_CAUSE, 'cancellation_requested');
      return subscriptionReply(req);
    }),
    route('POST', '/_standin/subscriptions/:id/trial_will_end', (req) => {
      lifecycle.trialWillEnd(sub(req));
      return subscriptionReply(req);
    }),

    // Events and their delivery
    route('GET', '/_standin/events', () => ({ data: eventSummaries() })),
    route('GET', '/_standin/deliveries', () => ({ webhook_url: webhooks.url, data: webhooks.deliveries })),
    route('POST', '/_standin/events/hold', () => {
      webhooks.hold();
      return { holding_events: true };
    }),
    route('POST', '/_standin/events/release', (req) => {
      const order = req.body.order ?? 'reversed';
      if (order !== 'reversed' && order !== 'original') throw invalidRequest("order must be 'reversed' or 'original'");
      const released = webhooks.release(order);
      return { holding_events: false, released: released.map((e) => ({ id: e.id, type: e.type })) };
    }),
    route('POST', '/_standin/events/:id/resend', (req) => {
      const event = store.event(req.params.id);
      const age = numberField(req.body, 'signature_age_seconds', 0);
      if (!webhooks.url) throw invalidRequest('No webhook endpoint is configured (POST /_standin/webhook).');
      webhooks.resend(event, age);
      return { id: event.id, type: event.type, signature_age_seconds: age };
    }),
    route('POST', '/_standin/flush', () => ({ flushed: true })),
  ];
}
