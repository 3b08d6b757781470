/**
 * The /v1 paths the billing feature calls through the `stripe` SDK: customers, Checkout and
 * Customer Portal sessions, subscriptions, invoices (with the upcoming-invoice preview),
 * prices and events. Anything else answers Stripe's "Unrecognized request URL" 404.
 */
import { mergeMetadata, type EventCause, type StripeAccount } from './account';
import { expand, listOf, newestFirst, readLineItems, subForm } from './api-support';
import { invalidParam, invalidRequest, missingParam, StripeApiError } from './errors';
import type { FormReader } from './form';
import { renderCheckoutSession, renderCustomer, renderInvoice, renderPortalSession, renderPrice, type Json } from './objects';
import { route, type ApiHandler, type Route } from './router';
import { addInterval, newId, type InvoiceRecord, type SubscriptionRecord } from './store';

const SUBSCRIPTION_STATUSES = new Set(['active', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'trialing', 'paused', 'all', 'ended']);

function customerFields(form: FormReader) {
  return {
    email: form.string('email'),
    name: form.string('name'),
    description: form.string('description'),
    phone: form.string('phone'),
    metadata: form.metadata(),
  };
}

export function apiRoutes(account: StripeAccount): Route<ApiHandler>[] {
  const store = account.store;
  const base = account.baseUrl;
  const out = (json: Json, form: FormReader): Json => expand(store, json, form, base);

  const applySubscriptionUpdate = (sub: SubscriptionRecord, form: FormReader, cause: EventCause): void => {
    const items = form.list('items');
    const cancelAtPeriodEnd = form.boolean('cancel_at_period_end');
    const metadata = form.metadata();
    const trialEnd = form.string('trial_end');
    if (sub.status === 'canceled') throw invalidRequest(`A canceled subscription can only update its cancellation_details and metadata.`);
    const now = store.now();
    items?.forEach((entry, i) => {
      const item = subForm(entry);
      const id = item.string('id');
      const price = item.string('price');
      if (price) store.price(price, `items[${i}][price]`);
      const quantity = item.integer('quantity');
      if (quantity !== undefined && quantity < 1) throw invalidParam(`items[${i}][quantity]`, 'This value must be greater than or equal to 1.');
      if (id && !sub.items.some((existing) => existing.id === id)) {
        throw invalidParam(`items[${i}][id]`, `Invalid subscription_item id: ${id}`);
      }
      if (!id && !price) throw missingParam(`items[${i}][price]`);
    });
    account.changeSubscription(sub, cause, (s) => {
      items?.forEach((entry) => {
        const item = subForm(entry);
        const id = item.string('id');
        const existing = id ? s.items.find((candidate) => candidate.id === id) : undefined;
        if (existing && item.boolean('deleted')) s.items = s.items.filter((candidate) => candidate !== existing);
        else if (existing) {
          existing.price = item.string('price') ?? existing.price;
          existing.quantity = item.integer('quantity') ?? existing.quantity;
        } else s.items.push({ id: newId('si', 14), created: now, price: item.string('price')!, quantity: item.integer('quantity') ?? 1 });
      });
      if (cancelAtPeriodEnd !== undefined) {
        s.cancel_at_period_end = cancelAtPeriodEnd;
        s.cancel_at = cancelAtPeriodEnd ? s.current_period_end : null;
        s.canceled_at = cancelAtPeriodEnd ? now : null;
      }
      if (metadata) s.metadata = mergeMetadata(s.metadata, metadata);
      if (trialEnd === 'now' && s.status === 'trialing') {
        s.trial_end = now;
        s.status = 'active';
      }
    });
  };

  return [
    // Customers
    route('POST', '/v1/customers', (req) => {
      const customer = account.createCustomer(customerFields(req.form), req.cause);
      return out(renderCustomer(customer), req.form);
    }),
    route('GET', '/v1/customers', (req) => {
      const email = req.form.string('email');
      const all = newestFirst(store.customers.values()).filter((c) => !c.deleted && (!email || c.email === email));
      return listOf(all.map(renderCustomer), req.form, '/v1/customers');
    }),
    route('GET', '/v1/customers/:id', (req) => {
      const customer = store.customers.get(req.params.id);
      if (customer?.deleted) return renderCustomer(customer);
      return out(renderCustomer(store.customer(req.params.id)), req.form);
    }),
    route('POST', '/v1/customers/:id', (req) => {
      const customer = store.customer(req.params.id);
      account.updateCustomer(customer, customerFields(req.form), req.cause);
      return out(renderCustomer(customer), req.form);
    }),
    route('DELETE', '/v1/customers/:id', (req) => {
      const customer = store.customer(req.params.id);
      customer.deleted = true;
      account.emit('customer.deleted', { ...renderCustomer({ ...customer, deleted: false }) }, req.cause);
      return renderCustomer(customer);
    }),

    // Checkout Sessions (mode=subscription) and Customer Portal sessions
    route('POST', '/v1/checkout/sessions', (req) => {
      const subscriptionData = subForm(req.form.raw.subscription_data);
      const session = account.createCheckoutSession({
        customer: req.form.string('customer'),
        customer_email: req.form.string('customer_email'),
        client_reference_id: req.form.string('client_reference_id'),
        mode: req.form.string('mode'),
        line_items: readLineItems(req.form, 'line_items'),
        success_url: req.form.string('success_url'),
        cancel_url: req.form.string('cancel_url'),
        metadata: req.form.metadata(),
        subscription_metadata: subscriptionData.metadata(),
        trial_period_days: subscriptionData.integer('trial_period_days'),
      });
      return out(renderCheckoutSession(store, session, base), req.form);
    }),
    route('GET', '/v1/checkout/sessions/:id', (req) => out(renderCheckoutSession(store, store.checkoutSession(req.params.id), base), req.form)),
    route('POST', '/v1/checkout/sessions/:id/expire', (req) => {
      const session = store.checkoutSession(req.params.id);
      account.expireCheckout(session, req.cause);
      return out(renderCheckoutSession(store, session, base), req.form);
    }),
    route('POST', '/v1/billing_portal/sessions', (req) => {
      const customerId = req.form.string('customer');
      if (!customerId) throw missingParam('customer');
      store.customer(customerId, 'customer');
      const session = { id: newId('bps'), created: store.now(), customer: customerId, return_url: req.form.string('return_url') ?? null };
      store.portalSessions.set(session.id, session);
      return renderPortalSession(session, base);
    }),

    // Subscriptions
    route('GET', '/v1/subscriptions', (req) => {
      const customer = req.form.string('customer');
      const status = req.form.string('status');
      const price = req.form.string('price');
      if (status && !SUBSCRIPTION_STATUSES.has(status)) throw invalidParam('status', `Invalid status: must be one of ${[...SUBSCRIPTION_STATUSES].join(', ')}`);
      // Without a status filter Stripe leaves canceled subscriptions out.
      const matches = newestFirst(store.subscriptions.values()).filter(
        (s) =>
          (!customer || s.customer === customer) &&
          (!price || s.items.some((i) => i.price === price)) &&
          (status === 'all' || (status === 'ended' ? s.status === 'canceled' : status ? s.status === status : s.status !== 'canceled')),
      );
      return out(listOf(matches.map((s) => account.subscriptionJson(s)), req.form, '/v1/subscriptions'), req.form);
    }),
    route('GET', '/v1/subscriptions/:id', (req) => out(account.subscriptionJson(store.subscription(req.params.id)), req.form)),
    route('POST', '/v1/subscriptions/:id', (req) => {
      const sub = store.subscription(req.params.id);
      applySubscriptionUpdate(sub, req.form, req.cause);
      return out(account.subscriptionJson(sub), req.form);
    }),
    route('DELETE', '/v1/subscriptions/:id', (req) => {
      const sub = store.subscription(req.params.id);
      account.cancelSubscription(sub, req.cause, 'cancellation_requested');
      return out(account.subscriptionJson(sub), req.form);
    }),

    // Invoices
    route('GET', '/v1/invoices', (req) => {
      const customer = req.form.string('customer');
      const subscription = req.form.string('subscription');
      const status = req.form.string('status');
      const matches = newestFirst(store.invoices.values()).filter(
        (i) => (!customer || i.customer === customer) && (!subscription || i.subscription === subscription) && (!status || i.status === status),
      );
      return out(listOf(matches.map((i) => renderInvoice(store, i)), req.form, '/v1/invoices'), req.form);
    }),
    route('GET', '/v1/invoices/:id', (req) => out(renderInvoice(store, store.invoice(req.params.id)), req.form)),
    route('POST', '/v1/invoices/create_preview', (req) => out(previewInvoice(account, req.form), req.form)),

    // Prices and events
    route('GET', '/v1/prices', (req) => {
      const lookupKeys = (req.form.list('lookup_keys') ?? []).filter((k): k is string => typeof k === 'string');
      const product = req.form.string('product');
      const active = req.form.boolean('active');
      const matches = [...store.prices.values()].filter(
        (p) => (lookupKeys.length === 0 || lookupKeys.includes(p.lookup_key)) && (!product || p.product === product) && active !== false,
      );
      return out(listOf(matches.map((p) => renderPrice(p)), req.form, '/v1/prices'), req.form);
    }),
    route('GET', '/v1/prices/:id', (req) => out(renderPrice(store.price(req.params.id, 'id')), req.form)),
    route('GET', '/v1/events', (req) => {
      const type = req.form.string('type');
      const matches = newestFirst(store.events.values()).filter((e) => !type || e.type === type || (type.endsWith('*') && e.type.startsWith(type.slice(0, -1))));
      return listOf(matches as unknown as Json[], req.form, '/v1/events');
    }),
    route('GET', '/v1/events/:id', (req) => store.event(req.params.id) as unknown as Json),
  ];
}

/** The next invoice of a subscription, with any `subscription_details[items]` changes applied. */
function previewInvoice(account: StripeAccount, form: FormReader): Json {
  const store = account.store;
  const customerId = form.string('customer');
  const subscriptionId = form.string('subscription');
  if (!customerId && !subscriptionId) throw missingParam('customer');
  if (customerId) store.customer(customerId, 'customer');
  const candidates = [...store.subscriptions.values()].filter(
    (s) => (!subscriptionId || s.id === subscriptionId) && (!customerId || s.customer === customerId) && s.status !== 'canceled',
  );
  if (subscriptionId) store.subscription(subscriptionId, 'subscription');
  const sub = candidates[0];
  if (!sub || (sub.cancel_at_period_end && !form.raw.subscription_details)) {
    throw new StripeApiError(404, {
      type: 'invalid_request_error',
      code: 'invoice_upcoming_none',
      message: `No upcoming invoices for customer: ${customerId ?? sub?.customer ?? subscriptionId}`,
    });
  }
  const items = sub.items.map((i) => ({ ...i }));
  const details = subForm(form.raw.subscription_details);
  (details.list('items') ?? []).forEach((entry, i) => {
    const change = subForm(entry);
    const id = change.string('id');
    const price = change.string('price');
    if (price) store.price(price, `subscription_details[items][${i}][price]`);
    const existing = id ? items.find((item) => item.id === id) : undefined;
    if (id && !existing) throw invalidParam(`subscription_details[items][${i}][id]`, `Invalid subscription_item id: ${id}`);
    if (existing && change.boolean('deleted')) items.splice(items.indexOf(existing), 1);
    else if (existing) {
      existing.price = price ?? existing.price;
      existing.quantity = change.integer('quantity') ?? existing.quantity;
    } else if (price) items.push({ id: newId('si', 14), created: store.now(), price, quantity: change.integer('quantity') ?? 1 });
  });
  const interval = store.price(items[0]?.price ?? sub.items[0].price).interval;
  const periodStart = sub.current_period_end;
  const periodEnd = addInterval(periodStart, interval);
  const preview: InvoiceRecord = {
    id: 'upcoming',
    number: '',
    created: store.now(),
    customer: sub.customer,
    subscription: sub.id,
    subscription_metadata: { ...sub.metadata },
    billing_reason: 'upcoming',
    status: 'draft',
    lines: items.map((item) => ({
      id: newId('il_tmp'),
      price: item.price,
      quantity: item.quantity,
      amount: store.price(item.price).unit_amount * item.quantity,
      period_start: periodStart,
      period_end: periodEnd,
      subscription_item: item.id,
    })),
    period_start: sub.current_period_start,
    period_end: sub.current_period_end,
    amount_paid: 0,
    attempt_count: 0,
    next_payment_attempt: periodStart,
    finalized_at: null,
    paid_at: null,
  };
  return renderInvoice(store, preview, true);
}
