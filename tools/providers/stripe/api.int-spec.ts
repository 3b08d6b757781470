// The Stripe stand-in answers the official SDK as Stripe's test mode does for the billing
// paths Engage uses: real `stripe` client, real HTTP, no mocks.
import Stripe from 'stripe';
import { createStripeClientFor, startStripeStandIn, STRIPE_STAND_IN_SECRET_KEY, type StripeStandIn } from './index';
import { control } from './test-kit';

describe('Stripe stand-in API through the stripe SDK', () => {
  let standIn: StripeStandIn;
  let stripe: Stripe;

  beforeAll(async () => {
    standIn = await startStripeStandIn({ port: 0 });
    stripe = createStripeClientFor(standIn.url, STRIPE_STAND_IN_SECRET_KEY, { maxNetworkRetries: 0 });
  });
  afterAll(() => standIn.stop());

  async function subscribedCustomer(seats = 3): Promise<{ customer: Stripe.Customer; subscription: Stripe.Subscription }> {
    const customer = await stripe.customers.create({ email: 'owner@acme.test', metadata: { tenant_id: 't-1' } });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_seat', quantity: seats }],
      success_url: 'http://app.test/billing/done?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://app.test/billing',
    });
    await control(standIn.url, `/checkout/${session.id}/complete`);
    const subscription = await stripe.subscriptions.retrieve((await stripe.checkout.sessions.retrieve(session.id)).subscription as string);
    return { customer, subscription };
  }

  it('creates, retrieves and updates a customer, merging metadata as Stripe does', async () => {
    const created = await stripe.customers.create({ email: 'a@acme.test', name: 'Acme', metadata: { tenant_id: 't-1', plan: 'basic' } });
    expect(created).toMatchObject({ object: 'customer', email: 'a@acme.test', name: 'Acme', livemode: false });
    expect(created.id).toMatch(/^cus_/);
    const updated = await stripe.customers.update(created.id, { name: 'Acme Inc', metadata: { plan: '' } });
    expect(updated.name).toBe('Acme Inc');
    expect(updated.metadata).toEqual({ tenant_id: 't-1' });
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ id: created.id, name: 'Acme Inc' });
  });

  it('replays the first result for a repeated Idempotency-Key and rejects the key with other parameters', async () => {
    const key = `tenant-t-42-customer-${Date.now()}`;
    const first = await stripe.customers.create({ email: 'ops@t42.test' }, { idempotencyKey: key });
    const replay = await stripe.customers.create({ email: 'ops@t42.test' }, { idempotencyKey: key });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    const count = (await stripe.customers.list({ email: 'ops@t42.test', limit: 100 })).data.length;
    expect(count).toBe(1);
    const error = await stripe.customers.create({ email: 'other@t42.test' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
  });

  it('answers 401 to a wrong API key and 404 resource_missing to an unknown id', async () => {
    const wrongKey = createStripeClientFor(standIn.url, 'sk_test_wrong_key_000000000000', { maxNetworkRetries: 0 });
    const unauthorised = await wrongKey.customers.list().catch((e: unknown) => e);
    expect(unauthorised).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(unauthorised).toMatchObject({ statusCode: 401 });
    const missing = await stripe.subscriptions.retrieve('sub_missing').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  });

  it('validates a Checkout Session and returns a URL on the stand-in', async () => {
    const customer = await stripe.customers.create({ email: 'buyer@acme.test' });
    const badPrice = await stripe.checkout.sessions
      .create({ mode: 'subscription', customer: customer.id, line_items: [{ price: 'price_gold', quantity: 1 }], success_url: 'http://app.test/ok' })
      .catch((e: unknown) => e);
    expect(badPrice).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[0][price]' });
    const zeroSeats = await stripe.checkout.sessions
      .create({ mode: 'subscription', customer: customer.id, line_items: [{ price: 'price_pro_seat', quantity: 0 }], success_url: 'http://app.test/ok' })
      .catch((e: unknown) => e);
    expect(zeroSeats).toMatchObject({ statusCode: 400, param: 'line_items[0][quantity]' });

    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_seat', quantity: 4 }],
      success_url: 'http://app.test/ok',
      metadata: { tenant_id: 't-7' },
    });
    expect(session).toMatchObject({ object: 'checkout.session', status: 'open', payment_status: 'unpaid', amount_total: 4 * 3900, subscription: null });
    expect(session.url).toBe(`${standIn.url}/checkout/${session.id}`);
    const page = await fetch(session.url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('4 × Pro (per seat)');
  });

  it('shows the subscription in the current API shape once checkout completes', async () => {
    const { customer, subscription } = await subscribedCustomer(3);
    expect(subscription).toMatchObject({ status: 'active', customer: customer.id, cancel_at_period_end: false });
    const item = subscription.items.data[0];
    expect(item).toMatchObject({ quantity: 3, price: { id: 'price_pro_seat', unit_amount: 3900, recurring: { interval: 'month' } } });
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 3 * 3900, billing_reason: 'subscription_create', customer: customer.id });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    const expanded = await stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice', 'customer'] });
    expect((expanded.latest_invoice as Stripe.Invoice).id).toBe(invoice.id);
    expect((expanded.customer as Stripe.Customer).email).toBe('owner@acme.test');
  });

  it('previews the next invoice with a seat change and updates the seats', async () => {
    const { customer, subscription } = await subscribedCustomer(3);
    const itemId = subscription.items.data[0].id;
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription: subscription.id,
      subscription_details: { items: [{ id: itemId, quantity: 5 }] },
    });
    expect(preview).toMatchObject({ id: null, amount_due: 5 * 3900, status: 'draft' });
    expect(preview.lines.data[0].period.start).toBe(subscription.items.data[0].current_period_end);
    const updated = await stripe.subscriptions.update(subscription.id, { items: [{ id: itemId, quantity: 5 }], proration_behavior: 'none' });
    expect(updated.items.data[0].quantity).toBe(5);
    const upgraded = await stripe.subscriptions.update(subscription.id, { items: [{ id: itemId, price: 'price_enterprise_seat' }] });
    expect(upgraded.items.data[0].price.id).toBe('price_enterprise_seat');
  });

  it('cancels a subscription and leaves it out of the default list but not out of status=all', async () => {
    const { customer, subscription } = await subscribedCustomer(1);
    const canceled = await stripe.subscriptions.cancel(subscription.id);
    expect(canceled).toMatchObject({ status: 'canceled' });
    expect(canceled.ended_at).not.toBeNull();
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.map((s) => s.id)).toEqual([subscription.id]);
    const preview = await stripe.invoices.createPreview({ customer: customer.id }).catch((e: unknown) => e);
    expect(preview).toMatchObject({ statusCode: 404, code: 'invoice_upcoming_none' });
  });

  it('creates a Customer Portal session whose URL serves the portal page', async () => {
    const { customer } = await subscribedCustomer(2);
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://app.test/settings/billing' });
    expect(portal).toMatchObject({ object: 'billing_portal.session', customer: customer.id, return_url: 'http://app.test/settings/billing' });
    expect(portal.url).toBe(`${standIn.url}/portal/${portal.id}`);
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain('2 × Pro (per seat)');
    const missing = await stripe.billingPortal.sessions.create({ customer: 'cus_missing' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });
  });

  it('completes a checkout from the hosted page and cancels at period end from the portal page', async () => {
    const customer = await stripe.customers.create({ email: 'clicker@acme.test' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_basic_seat', quantity: 2 }],
      success_url: 'http://app.test/billing/done?session={CHECKOUT_SESSION_ID}',
    });
    const paid = await fetch(`${standIn.url}/checkout/${session.id}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`http://app.test/billing/done?session=${session.id}`);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    expect((await fetch(`${standIn.url}/checkout/${session.id}`)).status).toBe(410);

    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id });
    const cancel = await fetch(`${portal.url}/cancel/${completed.subscription as string}`, { method: 'POST', redirect: 'manual' });
    expect(cancel.status).toBe(303);
    const subscription = await stripe.subscriptions.retrieve(completed.subscription as string);
    expect(subscription).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_at: subscription.items.data[0].current_period_end });
  });

  it('lists and retrieves the seat prices and the events', async () => {
    const prices = await stripe.prices.list({ lookup_keys: ['pro_seat', 'basic_seat'] });
    expect(prices.data.map((p) => p.id).sort()).toEqual(['price_basic_seat', 'price_pro_seat']);
    expect(await stripe.prices.retrieve('price_enterprise_seat')).toMatchObject({ unit_amount: 7900, type: 'recurring' });
    const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 1 });
    expect(events.data).toHaveLength(1);
    expect(await stripe.events.retrieve(events.data[0].id)).toMatchObject({ id: events.data[0].id, type: 'checkout.session.completed' });
  });

  it('answers 503 api_error in outage mode and recovers when it ends', async () => {
    await control(standIn.url, '/outage', { enabled: true });
    try {
      const error = await stripe.customers.create({ email: 'down@acme.test' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(error).toMatchObject({ statusCode: 503 });
    } finally {
      await control(standIn.url, '/outage', { enabled: false });
    }
    expect((await stripe.customers.create({ email: 'up@acme.test' })).email).toBe('up@acme.test');
  });
});
