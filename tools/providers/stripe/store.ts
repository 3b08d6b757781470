/**
 * The stand-in's in-memory Stripe account: customers, checkout and portal sessions,
 * subscriptions, invoices and events, plus a clock that tests can move forward to make
 * subscriptions renew. State lives as long as the process (or until POST /_standin/reset).
 */
import { randomBytes } from 'node:crypto';
import { resourceMissing } from './errors';
import type { StandInPrice } from './constants';

export type Metadata = Record<string, string>;

export interface CustomerRecord {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Metadata;
  deleted: boolean;
}

export interface LineItemRecord {
  price: string;
  quantity: number;
}

export interface CheckoutSessionRecord {
  id: string;
  created: number;
  expires_at: number;
  customer: string | null;
  customer_email: string | null;
  client_reference_id: string | null;
  line_items: LineItemRecord[];
  success_url: string | null;
  cancel_url: string | null;
  metadata: Metadata;
  subscription_metadata: Metadata;
  trial_period_days: number | null;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid' | 'no_payment_required';
  subscription: string | null;
  invoice: string | null;
}

export interface PortalSessionRecord {
  id: string;
  created: number;
  customer: string;
  return_url: string | null;
}

export interface SubscriptionItemRecord {
  id: string;
  created: number;
  price: string;
  quantity: number;
}

export type SubscriptionStatus = 'incomplete' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid';

export interface SubscriptionRecord {
  id: string;
  created: number;
  customer: string;
  status: SubscriptionStatus;
  items: SubscriptionItemRecord[];
  current_period_start: number;
  current_period_end: number;
  billing_cycle_anchor: number;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  ended_at: number | null;
  trial_start: number | null;
  trial_end: number | null;
  metadata: Metadata;
  latest_invoice: string | null;
  /** Control state: the next charge fails (POST /_standin/subscriptions/:id/fail_next_payment). */
  fail_next_payment: boolean;
  trial_will_end_sent: boolean;
}

export interface InvoiceLineRecord {
  id: string;
  price: string;
  quantity: number;
  amount: number;
  period_start: number;
  period_end: number;
  subscription_item: string | null;
}

export interface InvoiceRecord {
  id: string;
  number: string;
  created: number;
  customer: string;
  subscription: string | null;
  subscription_metadata: Metadata;
  billing_reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'upcoming' | 'manual';
  status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
  lines: InvoiceLineRecord[];
  period_start: number;
  period_end: number;
  amount_paid: number;
  attempt_count: number;
  next_payment_attempt: number | null;
  finalized_at: number | null;
  paid_at: number | null;
}

/** A webhook event exactly as delivered (the JSON of `data.object` is a snapshot). */
export interface EventJson {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return `${prefix}_${id}`;
}

export class StripeStore {
  readonly customers = new Map<string, CustomerRecord>();
  readonly checkoutSessions = new Map<string, CheckoutSessionRecord>();
  readonly portalSessions = new Map<string, PortalSessionRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly invoices = new Map<string, InvoiceRecord>();
  readonly events = new Map<string, EventJson>();
  readonly prices: Map<string, StandInPrice>;
  /** Seconds added to the wall clock by POST /_standin/clock/advance. */
  clockOffsetSeconds = 0;
  private invoiceSequence = 0;

  constructor(prices: readonly StandInPrice[]) {
    this.prices = new Map(prices.map((p) => [p.id, p]));
  }

  /** The stand-in's notion of "now" in Unix seconds (wall clock plus the advanced offset). */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.clockOffsetSeconds;
  }

  nextInvoiceNumber(): string {
    this.invoiceSequence += 1;
    return `ENGAGE-${String(this.invoiceSequence).padStart(4, '0')}`;
  }

  reset(): void {
    for (const map of [this.customers, this.checkoutSessions, this.portalSessions, this.subscriptions, this.invoices, this.events]) {
      map.clear();
    }
    this.clockOffsetSeconds = 0;
    this.invoiceSequence = 0;
  }

  customer(id: string, param = 'id'): CustomerRecord {
    const customer = this.customers.get(id);
    if (!customer || customer.deleted) throw resourceMissing('customer', id, param);
    return customer;
  }

  price(id: string, param = 'price'): StandInPrice {
    const price = this.prices.get(id);
    if (!price) throw resourceMissing('price', id, param);
    return price;
  }

  subscription(id: string, param = 'id'): SubscriptionRecord {
    const subscription = this.subscriptions.get(id);
    if (!subscription) throw resourceMissing('subscription', id, param);
    return subscription;
  }

  invoice(id: string): InvoiceRecord {
    const invoice = this.invoices.get(id);
    if (!invoice) throw resourceMissing('invoice', id);
    return invoice;
  }

  checkoutSession(id: string): CheckoutSessionRecord {
    const session = this.checkoutSessions.get(id);
    if (!session) throw resourceMissing('checkout.session', id);
    return session;
  }

  event(id: string): EventJson {
    const event = this.events.get(id);
    if (!event) throw resourceMissing('event', id);
    return event;
  }
}

/** The same instant one billing interval later (calendar months, as Stripe bills). */
export function addInterval(unixSeconds: number, interval: 'month' | 'year'): number {
  const date = new Date(unixSeconds * 1000);
  if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCFullYear(date.getUTCFullYear() + 1);
  return Math.floor(date.getTime() / 1000);
}
