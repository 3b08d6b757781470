/**
 * The behaviour behind the API paths: what a write changes and which events it emits, in the
 * order Stripe emits them. Renewals, failed payments and other things that happen with time
 * live in lifecycle.ts.
 */
import { isDeepStrictEqual } from 'node:util';
import { STRIPE_STAND_IN_API_VERSION } from './constants';
import { invalidParam, invalidRequest, missingParam } from './errors';
import { renderCheckoutSession, renderCustomer, renderInvoice, renderSubscription, type Json } from './objects';
import {
  addInterval,
  newId,
  type CheckoutSessionRecord,
  type CustomerRecord,
  type EventJson,
  type InvoiceRecord,
  type LineItemRecord,
  type Metadata,
  type StripeStore,
  type SubscriptionRecord,
} from './store';
import type { WebhookSender } from './webhooks';

/** Who caused an event: an API request (its id and idempotency key) or the control API (null). */
export interface EventCause {
  requestId: string | null;
  idempotencyKey: string | null;
}
export const CONTROL_CAUSE: EventCause = { requestId: null, idempotencyKey: null };

/** Top-level fields that changed, with their old values: Stripe's `previous_attributes`. */
function previousAttributes(before: Json, after: Json): Json {
  const previous: Json = {};
  for (const key of Object.keys(before)) if (!isDeepStrictEqual(before[key], after[key])) previous[key] = before[key];
  return previous;
}

export class StripeAccount {
  constructor(
    readonly store: StripeStore,
    readonly webhooks: WebhookSender,
    readonly baseUrl: string,
  ) {}

  emit(type: string, object: Json, cause: EventCause, previous?: Json): EventJson {
    const event: EventJson = {
      id: newId('evt'),
      object: 'event',
      api_version: STRIPE_STAND_IN_API_VERSION,
      created: this.store.now(),
      data: previous ? { object, previous_attributes: previous } : { object },
      livemode: false,
      pending_webhooks: this.webhooks.url ? 1 : 0,
      request: { id: cause.requestId, idempotency_key: cause.idempotencyKey },
      type,
    };
    this.store.events.set(event.id, event);
    this.webhooks.enqueue(event);
    return event;
  }

  subscriptionJson(sub: SubscriptionRecord): Json {
    return renderSubscription(this.store, sub);
  }

  /** Applies `change` to a subscription and emits customer.subscription.updated if anything changed. */
  changeSubscription(sub: SubscriptionRecord, cause: EventCause, change: (sub: SubscriptionRecord) => void): void {
    const before = this.subscriptionJson(sub);
    change(sub);
    const after = this.subscriptionJson(sub);
    const previous = previousAttributes(before, after);
    if (Object.keys(previous).length > 0) this.emit('customer.subscription.updated', after, cause, previous);
  }

  createCustomer(input: Partial<Omit<CustomerRecord, 'id' | 'created' | 'deleted'>>, cause: EventCause): CustomerRecord {
    const customer: CustomerRecord = {
      id: newId('cus', 14),
      created: this.store.now(),
      email: input.email ?? null,
      name: input.name ?? null,
      description: input.description ?? null,
      phone: input.phone ?? null,
      metadata: input.metadata ?? {},
      deleted: false,
    };
    this.store.customers.set(customer.id, customer);
    this.emit('customer.created', renderCustomer(customer), cause);
    return customer;
  }

  updateCustomer(customer: CustomerRecord, input: Partial<Omit<CustomerRecord, 'id' | 'created' | 'deleted'>>, cause: EventCause): void {
    const before = renderCustomer(customer);
    for (const key of ['email', 'name', 'description', 'phone'] as const) {
      if (input[key] !== undefined) customer[key] = input[key] === '' ? null : input[key];
    }
    if (input.metadata) customer.metadata = mergeMetadata(customer.metadata, input.metadata);
    const after = renderCustomer(customer);
    const previous = previousAttributes(before, after);
    if (Object.keys(previous).length > 0) this.emit('customer.updated', after, cause, previous);
  }

  createCheckoutSession(input: {
    customer?: string;
    customer_email?: string;
    client_reference_id?: string;
    mode?: string;
    line_items?: LineItemRecord[];
    success_url?: string;
    cancel_url?: string;
    metadata?: Metadata;
    subscription_metadata?: Metadata;
    trial_period_days?: number;
  }): CheckoutSessionRecord {
    if (input.mode === undefined) throw missingParam('mode');
    if (input.mode !== 'subscription') {
      throw invalidParam('mode', `The Stripe stand-in only supports mode=subscription (got '${input.mode}').`);
    }
    if (!input.line_items || input.line_items.length === 0) throw missingParam('line_items');
    input.line_items.forEach((item, i) => {
      this.store.price(item.price, `line_items[${i}][price]`);
      if (!Number.isInteger(item.quantity) || item.quantity < 1) {
        throw invalidParam(`line_items[${i}][quantity]`, 'This value must be greater than or equal to 1.');
      }
    });
    if (input.customer !== undefined) this.store.customer(input.customer, 'customer');
    if (input.customer && input.customer_email) {
      throw invalidRequest('You may only specify one of these parameters: customer, customer_email.');
    }
    if (!input.success_url) throw missingParam('success_url');
    if (input.trial_period_days !== undefined && input.trial_period_days < 1) {
      throw invalidParam('subscription_data[trial_period_days]', 'The trial period must be at least 1 day.');
    }
    const now = this.store.now();
    const session: CheckoutSessionRecord = {
      id: newId('cs_test', 58),
      created: now,
      expires_at: now + 24 * 3600,
      customer: input.customer ?? null,
      customer_email: input.customer_email ?? null,
      client_reference_id: input.client_reference_id ?? null,
      line_items: input.line_items,
      success_url: input.success_url,
      cancel_url: input.cancel_url ?? null,
      metadata: input.metadata ?? {},
      subscription_metadata: input.subscription_metadata ?? {},
      trial_period_days: input.trial_period_days ?? null,
      status: 'open',
      payment_status: 'unpaid',
      subscription: null,
      invoice: null,
    };
    this.store.checkoutSessions.set(session.id, session);
    return session;
  }

  /**
   * The customer pays on the hosted page. Stripe then creates the subscription (incomplete),
   * pays its first invoice, activates it and completes the session, emitting one event per step.
   */
  completeCheckout(session: CheckoutSessionRecord): void {
    if (session.status !== 'open') throw invalidRequest(`This Checkout Session is ${session.status} and can no longer be completed.`);
    const cause = CONTROL_CAUSE;
    const customer = session.customer
      ? this.store.customer(session.customer)
      : this.createCustomer({ email: session.customer_email }, cause);
    const now = this.store.now();
    const interval = this.store.price(session.line_items[0].price).interval;
    const trialEnd = session.trial_period_days ? now + session.trial_period_days * 86400 : null;
    const sub: SubscriptionRecord = {
      id: newId('sub'),
      created: now,
      customer: customer.id,
      status: trialEnd ? 'trialing' : 'incomplete',
      items: session.line_items.map((li) => ({ id: newId('si', 14), created: now, price: li.price, quantity: li.quantity })),
      current_period_start: now,
      current_period_end: trialEnd ?? addInterval(now, interval),
      billing_cycle_anchor: trialEnd ?? now,
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      cancellation_reason: null,
      ended_at: null,
      trial_start: trialEnd ? now : null,
      trial_end: trialEnd,
      metadata: { ...session.subscription_metadata },
      latest_invoice: null,
      fail_next_payment: false,
      trial_will_end_sent: false,
    };
    const invoice = this.createInvoice(sub, 'subscription_create', trialEnd !== null);
    sub.latest_invoice = invoice.id;
    this.store.subscriptions.set(sub.id, sub);
    this.emit('customer.subscription.created', this.subscriptionJson(sub), cause);
    this.payInvoice(invoice, cause);
    if (!trialEnd) this.changeSubscription(sub, cause, (s) => (s.status = 'active'));
    session.status = 'complete';
    session.payment_status = trialEnd ? 'no_payment_required' : 'paid';
    session.customer = customer.id;
    session.subscription = sub.id;
    session.invoice = invoice.id;
    this.emit('checkout.session.completed', renderCheckoutSession(this.store, session, this.baseUrl), cause);
  }

  expireCheckout(session: CheckoutSessionRecord, cause: EventCause): void {
    if (session.status !== 'open') throw invalidRequest(`Only Checkout Sessions with a status of 'open' can be expired.`);
    session.status = 'expired';
    this.emit('checkout.session.expired', renderCheckoutSession(this.store, session, this.baseUrl), cause);
  }

  /** An invoice for the subscription's current period; free during a trial. */
  createInvoice(sub: SubscriptionRecord, reason: InvoiceRecord['billing_reason'], free: boolean): InvoiceRecord {
    const now = this.store.now();
    const invoice: InvoiceRecord = {
      id: newId('in'),
      number: this.store.nextInvoiceNumber(),
      created: now,
      customer: sub.customer,
      subscription: sub.id,
      subscription_metadata: { ...sub.metadata },
      billing_reason: reason,
      status: 'open',
      lines: sub.items.map((item) => ({
        id: newId('il'),
        price: item.price,
        quantity: item.quantity,
        amount: free ? 0 : this.store.price(item.price).unit_amount * item.quantity,
        period_start: sub.current_period_start,
        period_end: sub.current_period_end,
        subscription_item: item.id,
      })),
      period_start: sub.current_period_start,
      period_end: sub.current_period_end,
      amount_paid: 0,
      attempt_count: 0,
      next_payment_attempt: now,
      finalized_at: now,
      paid_at: null,
    };
    this.store.invoices.set(invoice.id, invoice);
    return invoice;
  }

  payInvoice(invoice: InvoiceRecord, cause: EventCause): void {
    invoice.status = 'paid';
    invoice.attempt_count += 1;
    invoice.amount_paid = invoice.lines.reduce((sum, line) => sum + line.amount, 0);
    invoice.paid_at = this.store.now();
    invoice.next_payment_attempt = null;
    this.emit('invoice.paid', renderInvoice(this.store, invoice), cause);
  }

  /** The card is declined: the invoice stays open and Stripe will retry in three days. */
  failInvoice(invoice: InvoiceRecord, cause: EventCause): void {
    invoice.attempt_count += 1;
    invoice.next_payment_attempt = this.store.now() + 3 * 86400;
    this.emit('invoice.payment_failed', renderInvoice(this.store, invoice), cause);
  }

  cancelSubscription(sub: SubscriptionRecord, cause: EventCause, reason: string, endedAt = this.store.now()): void {
    if (sub.status === 'canceled') throw invalidRequest(`The subscription ${sub.id} is already canceled.`);
    sub.status = 'canceled';
    sub.canceled_at ??= endedAt;
    sub.ended_at = endedAt;
    sub.cancellation_reason = reason;
    for (const invoice of this.store.invoices.values()) {
      if (invoice.subscription === sub.id && invoice.status === 'open') invoice.next_payment_attempt = null;
    }
    this.emit('customer.subscription.deleted', this.subscriptionJson(sub), cause);
  }
}

/** Stripe's metadata update: given keys are set, keys given an empty value are removed. */
export function mergeMetadata(current: Metadata, update: Metadata): Metadata {
  const merged = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
