/**
 * Renders the stored records as the JSON Stripe returns for the pinned API version: the fields
 * a billing integration reads are all present and typed as in the SDK's definitions (period end
 * on each subscription item, the invoice's subscription under `parent.subscription_details`).
 */
import type { StandInPrice } from './constants';
import type {
  CheckoutSessionRecord,
  CustomerRecord,
  InvoiceRecord,
  PortalSessionRecord,
  StripeStore,
  SubscriptionItemRecord,
  SubscriptionRecord,
} from './store';

export type Json = Record<string, unknown>;

export function renderPrice(price: StandInPrice, created = 1735689600): Json {
  return {
    id: price.id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created,
    currency: price.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: price.lookup_key,
    metadata: {},
    nickname: price.nickname,
    product: price.product,
    recurring: { interval: price.interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: price.unit_amount,
    unit_amount_decimal: String(price.unit_amount),
  };
}

export function renderCustomer(customer: CustomerRecord): Json {
  if (customer.deleted) return { id: customer.id, object: 'customer', deleted: true };
  return {
    id: customer.id,
    object: 'customer',
    address: null,
    balance: 0,
    created: customer.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: customer.description,
    discount: null,
    email: customer.email,
    invoice_prefix: customer.id.slice(4, 12).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: { ...customer.metadata },
    name: customer.name,
    phone: customer.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

function renderSubscriptionItem(store: StripeStore, sub: SubscriptionRecord, item: SubscriptionItemRecord): Json {
  const price = store.price(item.price);
  return {
    id: item.id,
    object: 'subscription_item',
    billing_thresholds: null,
    created: item.created,
    current_period_end: sub.current_period_end,
    current_period_start: sub.current_period_start,
    discounts: [],
    metadata: {},
    plan: {
      id: price.id,
      object: 'plan',
      active: true,
      amount: price.unit_amount,
      amount_decimal: String(price.unit_amount),
      billing_scheme: 'per_unit',
      currency: price.currency,
      interval: price.interval,
      interval_count: 1,
      livemode: false,
      nickname: price.nickname,
      product: price.product,
      usage_type: 'licensed',
    },
    price: renderPrice(price),
    quantity: item.quantity,
    subscription: sub.id,
    tax_rates: [],
  };
}

export function renderSubscription(store: StripeStore, sub: SubscriptionRecord): Json {
  const items = sub.items.map((item) => renderSubscriptionItem(store, sub, item));
  const currency = sub.items.length > 0 ? store.price(sub.items[0].price).currency : 'usd';
  return {
    id: sub.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: sub.billing_cycle_anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_thresholds: null,
    cancel_at: sub.cancel_at,
    cancel_at_period_end: sub.cancel_at_period_end,
    canceled_at: sub.canceled_at,
    cancellation_details: { comment: null, feedback: null, reason: sub.cancellation_reason },
    collection_method: 'charge_automatically',
    created: sub.created,
    currency,
    customer: sub.customer,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    description: null,
    discounts: [],
    ended_at: sub.ended_at,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: { object: 'list', data: items, has_more: false, total_count: items.length, url: `/v1/subscription_items?subscription=${sub.id}` },
    latest_invoice: sub.latest_invoice,
    livemode: false,
    metadata: { ...sub.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: sub.created,
    status: sub.status,
    test_clock: null,
    transfer_data: null,
    trial_end: sub.trial_end,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: sub.trial_start,
  };
}

export function invoiceTotal(invoice: Pick<InvoiceRecord, 'lines'>): number {
  return invoice.lines.reduce((sum, line) => sum + line.amount, 0);
}

export function renderInvoice(store: StripeStore, invoice: InvoiceRecord, preview = false): Json {
  const total = invoiceTotal(invoice);
  const currency = invoice.lines.length > 0 ? store.price(invoice.lines[0].price).currency : 'usd';
  const customer = store.customers.get(invoice.customer);
  const lines = invoice.lines.map((line) => {
    const price = store.price(line.price);
    return {
      id: line.id,
      object: 'line_item',
      amount: line.amount,
      currency,
      description: `${line.quantity} × ${price.nickname}`,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: preview ? null : invoice.id,
      livemode: false,
      metadata: {},
      parent: invoice.subscription
        ? {
            type: 'subscription_item_details',
            subscription_item_details: { invoice_item: null, proration: false, proration_details: null, subscription: invoice.subscription, subscription_item: line.subscription_item },
          }
        : null,
      period: { end: line.period_end, start: line.period_start },
      pretax_credit_amounts: [],
      pricing: { price_details: { price: price.id, product: price.product }, type: 'price_details', unit_amount_decimal: String(price.unit_amount) },
      quantity: line.quantity,
      quantity_decimal: String(line.quantity),
      subtotal: line.amount,
      taxes: [],
    };
  });
  const remaining = invoice.status === 'paid' ? 0 : total - invoice.amount_paid;
  return {
    id: preview ? null : invoice.id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Engage (Stripe stand-in)',
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: invoice.amount_paid,
    amount_remaining: remaining,
    amount_shipping: 0,
    attempt_count: invoice.attempt_count,
    attempted: invoice.attempt_count > 0,
    auto_advance: invoice.status === 'open' || invoice.status === 'draft',
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    billing_reason: invoice.billing_reason,
    collection_method: 'charge_automatically',
    created: invoice.created,
    currency,
    customer: invoice.customer,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    default_payment_method: null,
    description: null,
    discounts: [],
    due_date: null,
    effective_at: invoice.finalized_at,
    ending_balance: preview ? null : 0,
    hosted_invoice_url: preview ? null : `https://invoice.stripe.invalid/${invoice.id}`,
    invoice_pdf: preview ? null : `https://invoice.stripe.invalid/${invoice.id}/pdf`,
    lines: { object: 'list', data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${invoice.id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: invoice.next_payment_attempt,
    number: preview ? null : invoice.number,
    parent: invoice.subscription
      ? { quote_details: null, subscription_details: { metadata: { ...invoice.subscription_metadata }, subscription: invoice.subscription }, type: 'subscription_details' }
      : null,
    period_end: invoice.period_end,
    period_start: invoice.period_start,
    starting_balance: 0,
    status: invoice.status,
    status_transitions: { finalized_at: invoice.finalized_at, marked_uncollectible_at: null, paid_at: invoice.paid_at, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_taxes: [],
    webhooks_delivered_at: invoice.finalized_at,
  };
}

export function renderCheckoutSession(store: StripeStore, session: CheckoutSessionRecord, baseUrl: string): Json {
  const amount = session.line_items.reduce((sum, li) => sum + store.price(li.price).unit_amount * li.quantity, 0);
  const currency = session.line_items.length > 0 ? store.price(session.line_items[0].price).currency : 'usd';
  const customer = session.customer ? store.customers.get(session.customer) : undefined;
  return {
    id: session.id,
    object: 'checkout.session',
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: session.cancel_url,
    client_reference_id: session.client_reference_id,
    client_secret: null,
    created: session.created,
    currency,
    customer: session.customer,
    customer_creation: session.customer ? null : 'always',
    customer_details: session.status === 'complete' ? { address: null, email: customer?.email ?? session.customer_email, name: customer?.name ?? null, phone: null, tax_exempt: 'none', tax_ids: [] } : null,
    customer_email: session.customer_email,
    expires_at: session.expires_at,
    invoice: session.invoice,
    livemode: false,
    locale: null,
    metadata: { ...session.metadata },
    mode: 'subscription',
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_types: ['card'],
    payment_status: session.payment_status,
    recovered_from: null,
    setup_intent: null,
    status: session.status,
    submit_type: null,
    subscription: session.subscription,
    success_url: session.success_url,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: session.status === 'open' ? `${baseUrl}/checkout/${session.id}` : null,
  };
}

export function renderPortalSession(session: PortalSessionRecord, baseUrl: string): Json {
  return {
    id: session.id,
    object: 'billing_portal.session',
    configuration: 'bpc_engage_standin',
    created: session.created,
    customer: session.customer,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: session.return_url,
    url: `${baseUrl}/portal/${session.id}`,
  };
}
