// Webhooks from the Stripe stand-in reach a real HTTP endpoint signed as Stripe signs them,
// verified with the SDK's constructEvent, in Stripe's order — and, on request, duplicated,
// reordered, stale or retried, the bad weather a billing webhook handler must survive.
import type Stripe from 'stripe';
import { createStripeClientFor, startStripeStandIn, STRIPE_STAND_IN_SECRET_KEY, type Delivery, type StripeStandIn } from './index';
import { control, WebhookReceiver } from './test-kit';

describe('Stripe stand-in webhooks', () => {
  let standIn: StripeStandIn;
  let stripe: Stripe;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    stripe = createStripeClientFor('http://127.0.0.1:1', STRIPE_STAND_IN_SECRET_KEY);
    receiver = await new WebhookReceiver(stripe).start();
    standIn = await startStripeStandIn({ port: 0, webhookUrl: receiver.url, webhookRetry: { attempts: 3, delayMs: 300 } });
    stripe = createStripeClientFor(standIn.url, STRIPE_STAND_IN_SECRET_KEY, { maxNetworkRetries: 0 });
  });
  beforeEach(async () => {
    await control(standIn.url, '/reset');
    await control(standIn.url, '/webhook', { url: receiver.url });
    receiver.clear();
    receiver.answer = 200;
  });
  afterAll(async () => {
    await standIn.stop();
    await receiver.stop();
  });

  async function checkout(seats: number, trialDays?: number): Promise<{ customer: Stripe.Customer; session: Stripe.Checkout.Session }> {
    const customer = await stripe.customers.create({ email: 'admin@acme.test', metadata: { tenant_id: 't-1' } });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 't-1',
      line_items: [{ price: 'price_pro_seat', quantity: seats }],
      success_url: 'http://app.test/ok',
      ...(trialDays ? { subscription_data: { trial_period_days: trialDays } } : {}),
    });
    await control(standIn.url, '/flush');
    receiver.clear();
    await control(standIn.url, `/checkout/${session.id}/complete`);
    return { customer, session: await stripe.checkout.sessions.retrieve(session.id) };
  }

  const subscriptionOf = (event: Stripe.Event) => event.data.object as Stripe.Subscription;

  it('delivers a completed checkout as signed events in Stripe order', async () => {
    const { customer, session } = await checkout(5);
    expect(receiver.received.every((d) => d.error === null)).toBe(true);
    expect(receiver.types()).toEqual(['customer.subscription.created', 'invoice.paid', 'customer.subscription.updated', 'checkout.session.completed']);
    const [created, paid, updated, completed] = receiver.events();
    expect(subscriptionOf(created)).toMatchObject({ status: 'incomplete', customer: customer.id });
    const invoice = paid.data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 5 * 3900, customer: customer.id });
    expect(invoice.parent?.subscription_details?.subscription).toBe(session.subscription);
    expect(subscriptionOf(updated)).toMatchObject({ id: session.subscription, status: 'active' });
    expect(updated.data.previous_attributes).toMatchObject({ status: 'incomplete' });
    expect(subscriptionOf(updated).items.data[0].current_period_end).toBeGreaterThan(created.created);
    expect(completed.data.object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', client_reference_id: 't-1' });
    // The event a webhook names can be fetched back, as a handler does to confirm it.
    expect((await stripe.events.retrieve(completed.id)).type).toBe('checkout.session.completed');
  });

  it('signs with the shared secret only: another secret fails constructEvent', async () => {
    await checkout(1);
    const delivery = receiver.received[0];
    const body = JSON.stringify(await stripe.events.retrieve(delivery.event!.id), null, 2);
    expect(() => stripe.webhooks.constructEvent(body, delivery.signature, 'whsec_not_the_secret')).toThrow(/No signatures found matching/);
    expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('redelivers an event with an old signature timestamp that fails the 300 s tolerance', async () => {
    await checkout(1);
    const completed = receiver.events().find((e) => e.type === 'checkout.session.completed')!;
    receiver.clear();
    await control(standIn.url, `/events/${completed.id}/resend`, { signature_age_seconds: 600 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].event).toBeNull();
    expect(receiver.received[0].error).toMatch(/Timestamp outside the tolerance zone/);
    const deliveries = await control<{ data: Delivery[] }>(standIn.url, '/deliveries', undefined, 'GET');
    const stale = deliveries.data.at(-1)!;
    expect(stale).toMatchObject({ event_id: completed.id, reason: 'resend', status: 400 });
    expect(Math.floor(Date.now() / 1000) - stale.signed_at).toBeGreaterThanOrEqual(600);
  });

  it('duplicates a delivery with the same event id', async () => {
    await checkout(1);
    const paid = receiver.events().find((e) => e.type === 'invoice.paid')!;
    await control(standIn.url, `/events/${paid.id}/resend`);
    const copies = receiver.events().filter((e) => e.id === paid.id);
    expect(copies).toHaveLength(2);
    expect(copies[1]).toEqual(copies[0]);
  });

  it('holds events and releases them newest first', async () => {
    await control(standIn.url, '/events/hold');
    const { session } = await checkout(2);
    expect(receiver.received).toHaveLength(0);
    const released = await control<{ released: { type: string }[] }>(standIn.url, '/events/release', { order: 'reversed' });
    expect(released.released.map((e) => e.type)).toEqual([
      'checkout.session.completed',
      'customer.subscription.updated',
      'invoice.paid',
      'customer.subscription.created',
      'customer.created',
    ]);
    expect(receiver.types()).toEqual([
      'checkout.session.completed',
      'customer.subscription.updated',
      'invoice.paid',
      'customer.subscription.created',
      'customer.created',
    ]);
    // The newest state is what Stripe returns now, whatever order the events arrived in.
    expect((await stripe.subscriptions.retrieve(session.subscription as string)).status).toBe('active');
  });

  it('renews at period end with invoice.paid for the next period', async () => {
    const { session } = await checkout(3);
    const before = await stripe.subscriptions.retrieve(session.subscription as string);
    receiver.clear();
    await control(standIn.url, `/subscriptions/${before.id}/renew`);
    expect(receiver.types()).toEqual(['customer.subscription.updated', 'invoice.paid']);
    const invoice = receiver.events()[1].data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: 3 * 3900, period_start: before.items.data[0].current_period_end });
    const after = await stripe.subscriptions.retrieve(before.id);
    expect(after.items.data[0].current_period_start).toBe(before.items.data[0].current_period_end);
    expect(after.status).toBe('active');
  });

  it('fails the next payment into past_due and recovers to active', async () => {
    const { session } = await checkout(2);
    const id = session.subscription as string;
    await control(standIn.url, `/subscriptions/${id}/fail_next_payment`);
    receiver.clear();
    await control(standIn.url, `/clock/advance`, { seconds: 32 * 86400 });
    expect(receiver.types()).toEqual(['customer.subscription.updated', 'invoice.payment_failed', 'customer.subscription.updated']);
    const failed = receiver.events()[1].data.object as Stripe.Invoice;
    expect(failed).toMatchObject({ status: 'open', attempt_count: 1, amount_paid: 0 });
    expect(failed.next_payment_attempt).not.toBeNull();
    expect(subscriptionOf(receiver.events()[2])).toMatchObject({ status: 'past_due' });
    expect((await stripe.subscriptions.retrieve(id)).status).toBe('past_due');
    expect((await stripe.invoices.list({ subscription: id, status: 'open' })).data).toHaveLength(1);

    receiver.clear();
    await control(standIn.url, `/subscriptions/${id}/recover`);
    expect(receiver.types()).toEqual(['invoice.paid', 'customer.subscription.updated']);
    expect((receiver.events()[0].data.object as Stripe.Invoice).id).toBe(failed.id);
    expect((await stripe.subscriptions.retrieve(id)).status).toBe('active');
  });

  it('cancels at period end: updated now, deleted when the period ends', async () => {
    const { session } = await checkout(1);
    const id = session.subscription as string;
    receiver.clear();
    await control(standIn.url, `/subscriptions/${id}/cancel_at_period_end`);
    expect(receiver.types()).toEqual(['customer.subscription.updated']);
    expect(subscriptionOf(receiver.events()[0])).toMatchObject({ status: 'active', cancel_at_period_end: true });
    await control(standIn.url, `/subscriptions/${id}/renew`);
    expect(receiver.types()).toEqual(['customer.subscription.updated', 'customer.subscription.deleted']);
    expect(subscriptionOf(receiver.events()[1])).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'cancellation_requested' } });
  });

  it('sends trial_will_end three days before a trial ends, then charges', async () => {
    const { session } = await checkout(2, 14);
    expect(receiver.types()).toEqual(['customer.subscription.created', 'invoice.paid', 'checkout.session.completed']);
    expect(subscriptionOf(receiver.events()[0])).toMatchObject({ status: 'trialing' });
    expect((receiver.events()[1].data.object as Stripe.Invoice).amount_paid).toBe(0);
    receiver.clear();
    await control(standIn.url, '/clock/advance', { seconds: 11 * 86400 + 60 });
    expect(receiver.types()).toEqual(['customer.subscription.trial_will_end']);
    await control(standIn.url, '/clock/advance', { seconds: 3 * 86400 });
    expect(receiver.types().slice(1)).toEqual(['customer.subscription.updated', 'invoice.paid']);
    expect((await stripe.subscriptions.retrieve(session.subscription as string)).status).toBe('active');
  });

  it('delivers events caused through the API, naming the request and idempotency key', async () => {
    const { session } = await checkout(2);
    const sub = await stripe.subscriptions.retrieve(session.subscription as string);
    receiver.clear();
    await stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0].id, quantity: 6 }] }, { idempotencyKey: 'seats-6' });
    await control(standIn.url, '/flush');
    const [updated] = receiver.events();
    expect(updated.type).toBe('customer.subscription.updated');
    expect(updated.request).toMatchObject({ idempotency_key: 'seats-6' });
    expect(updated.data.previous_attributes).toHaveProperty('items');
    expect(subscriptionOf(updated).items.data[0].quantity).toBe(6);
  });

  it('retries a delivery the endpoint did not accept', async () => {
    receiver.answer = 500;
    const { session } = await checkout(1);
    receiver.answer = 200;
    const completedId = receiver.events().find((e) => e.type === 'checkout.session.completed')!.id;
    const deadline = Date.now() + 5000;
    while (receiver.events().filter((e) => e.id === completedId).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const deliveries = await control<{ data: Delivery[] }>(standIn.url, '/deliveries', undefined, 'GET');
    const attempts = deliveries.data.filter((d) => d.event_id === completedId);
    expect(attempts.map((d) => [d.attempt, d.status, d.reason])).toEqual([
      [1, 500, 'live'],
      [2, 200, 'retry'],
    ]);
    expect(session.status).toBe('complete');
  });
});
