// Billing against the Stripe stand-in: the official SDK makes the customer and the Checkout
// Session, the stand-in completes the payment and sends its signed webhooks to an HTTP endpoint
// that hands them to BillingService exactly as the gateway does (raw body + Stripe-Signature).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { billingReadOnlyKey, type PlanName, type BillingStatus } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import type { TenantDatabase } from '@engage/database';
import { DomainError } from '@engage/errors';
import { createLogger } from '@engage/logging';
import { OutboxWriter } from '@engage/messaging';
import { startStripeStandIn, STRIPE_STAND_IN_SECRET_KEY, STRIPE_STAND_IN_WEBHOOK_SECRET, type StripeStandIn } from '@engage/providers/stripe';
import { control } from '@engage/providers/stripe/test-kit';
import { testEnv } from '@engage/testing';
import { domainError, openServiceDatabase, outboxEvents } from '@engage/testing/kit';
import { Revocations } from '../auth/revocations';
import { TokensRepository } from '../auth/tokens.repository';
import type { UserConfig } from '../config';
import { SCHEMA, userServiceDefinition } from '../database/definition';
import type { AuthService } from '../auth/auth.service';
import { TenantsRepository } from '../tenants/tenants.repository';
import { TenantsService } from '../tenants/tenants.service';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { BillingService } from './billing.service';
import { createStripeClient } from './stripe-client';

const STRONG = 'correct horse battery staple 42';

describe('billing with the Stripe stand-in', () => {
  let db: TenantDatabase;
  let redis: Redis;
  let standIn: StripeStandIn;
  let billing: BillingService;
  let users: UsersService;
  let tenantsService: TenantsService;
  let receiver: Server;
  const tenants = new TenantsRepository();
  const userRows = new UsersRepository();
  const answers: number[] = [];

  beforeAll(async () => {
    db = await openServiceDatabase(userServiceDefinition);
    redis = new Redis(testEnv.redisUrl());
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        billing
          .handleWebhook(systemContext(), { payload: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['stripe-signature'] ?? '') })
          .then(() => 200, (error: unknown) => (error instanceof DomainError ? error.status : 500))
          .then((status) => {
            answers.push(status);
            res.writeHead(status).end();
          });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`;
    standIn = await startStripeStandIn({ port: 0, webhookUrl, webhookRetry: { attempts: 1, delayMs: 50 } });
    const config = {
      STRIPE_SECRET_KEY: STRIPE_STAND_IN_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: STRIPE_STAND_IN_WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: standIn.url,
      PUBLIC_BASE_URL: 'http://app.test',
    } as UserConfig;
    const logger = createLogger({ service: 'billing-int-spec', level: 'silent', sync: true });
    const outbox = new OutboxWriter(SCHEMA);
    billing = new BillingService(db, tenants, userRows, outbox, createStripeClient(config), config, redis, logger);
    users = new UsersService(db, userRows, tenants, new TokensRepository(), new Revocations(redis), null as unknown as AuthService, outbox);
    tenantsService = new TenantsService(db, tenants, outbox);
  });
  afterAll(async () => {
    await standIn.stop();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    redis.disconnect();
    await db.close();
  });

  /** A tenant with one admin, on `plan` with `status` (default: a basic tenant whose trial is over). */
  async function newTenant(plan: PlanName = 'basic', status: BillingStatus = 'canceled', extra: Record<string, unknown> = {}): Promise<TenantContext> {
    const tenantId = randomUUID();
    const userId = randomUUID();
    await db.transaction(tenantId, async (tx) => {
      await tenants.insert(tx, {
        id: tenantId,
        name: 'Acme',
        slug: `acme-${tenantId.slice(0, 8)}`,
        plan,
        enabledModules: plan === 'basic' ? ['crm', 'email_sync'] : ['crm', 'telephony', 'email_sync', 'webhooks', 'api_keys'],
        settings: {},
        billingStatus: status,
        ...extra,
      });
      await userRows.insert(tx, {
        tenantId,
        id: userId,
        email: `admin-${userId}@example.test`,
        emailNormalized: `admin-${userId}@example.test`,
        fullName: 'Admin',
        role: 'admin',
        isActive: true,
        passwordHash: null,
      });
    });
    return systemContext({ tenantId, userId, role: 'admin' }) as TenantContext;
  }

  const tenantRow = (ctx: TenantContext) => db.transaction(ctx.tenantId, (tx) => tenants.find(tx, ctx.tenantId));
  const planChanges = async (ctx: TenantContext) => (await outboxEvents(db, SCHEMA, ctx.tenantId)).filter((e) => e.subject === 'evt.user.tenant.plan_changed');
  const sessionIdOf = (url: string) => url.split('/').pop()!;
  /** The stand-in's events about one object (it keeps every test's events). */
  const eventsAbout = async (objectId: string) =>
    (await control<{ data: Array<{ id: string; type: string; object_id: string }> }>(standIn.url, '/events', undefined, 'GET')).data.filter(
      (e) => e.object_id === objectId,
    );

  /** Checkout of `seats` seats of pro, paid at the stand-in; its webhooks have been delivered when this returns. */
  async function buyPro(ctx: TenantContext, seats = 3) {
    const { url } = await billing.checkout({ ...ctx, requestId: randomUUID() }, { plan: 'pro', seats });
    return control<{ session_id: string; subscription: string; customer: string }>(standIn.url, `/checkout/${sessionIdOf(url)}/complete`);
  }

  it('applies a completed checkout: pro, its modules, the paid seats, audited as plan_changed', async () => {
    const ctx = await newTenant();
    const { url } = await billing.checkout(ctx, { plan: 'pro', seats: 4 });
    expect(url).toMatch(/\/checkout\/cs_test_/);
    expect((await tenantRow(ctx))!.stripeCustomerId).toMatch(/^cus_/);

    const done = await control<{ subscription: string }>(standIn.url, `/checkout/${sessionIdOf(url)}/complete`);
    const tenant = (await tenantRow(ctx))!;
    expect(tenant).toMatchObject({ plan: 'pro', billingStatus: 'active', seatsPaid: 4, stripeSubscriptionId: done.subscription });
    expect(tenant.enabledModules).toEqual(expect.arrayContaining(['crm', 'telephony', 'api_keys']));
    // Four events (subscription created and updated, invoice paid, checkout completed): one change.
    const changes = await planChanges(ctx);
    expect(changes).toHaveLength(1);
    expect(changes[0].envelope.payload).toMatchObject({ tenant_id: ctx.tenantId, to: { plan: 'pro', seats: 4, status: 'active' } });

    const view = await billing.subscription(ctx);
    expect(view).toMatchObject({ plan: 'pro', status: 'active', seats_used: 1, seats_paid: 4, payment_state: 'ok' });
    expect(view.next_invoice).toMatchObject({ amount_due: 4 * 3900, currency: 'usd' });
  });

  it('changes the plan and seats of a paying tenant’s subscription instead of starting a second one', async () => {
    const ctx = await newTenant();
    const { subscription } = await buyPro(ctx, 2);
    const { url } = await billing.checkout({ ...ctx, requestId: randomUUID() }, { plan: 'enterprise', seats: 5 });
    expect(url).toBe('http://app.test/settings/billing?checkout=updated');
    await control(standIn.url, '/flush');
    expect(await tenantRow(ctx)).toMatchObject({ plan: 'enterprise', seatsPaid: 5, stripeSubscriptionId: subscription });
  });

  it('ignores, with 200, events for a customer that is not one of ours', async () => {
    const stripe = createStripeClient({ STRIPE_SECRET_KEY: STRIPE_STAND_IN_SECRET_KEY, STRIPE_API_BASE_URL: standIn.url });
    const stranger = await stripe.customers.create({ name: 'Not a tenant' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: stranger.id,
      line_items: [{ price: 'price_pro_seat', quantity: 1 }],
      success_url: 'http://app.test/ok',
    });
    answers.length = 0;
    await control(standIn.url, `/checkout/${session.id}/complete`);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((status) => status === 200)).toBe(true);
  });

  it('makes one Stripe customer per tenant however often checkout is asked for', async () => {
    const ctx = await newTenant();
    await billing.checkout(ctx, { plan: 'pro', seats: 1 });
    // Another click before paying: a second Checkout Session, the same customer.
    const first = (await tenantRow(ctx))!.stripeCustomerId;
    await billing.checkout({ ...ctx, requestId: randomUUID() }, { plan: 'enterprise', seats: 2 });
    expect((await tenantRow(ctx))!.stripeCustomerId).toBe(first);
    expect((await billing.portal(ctx)).url).toMatch(/\/portal\/bps_/);
  });

  it('changes nothing twice when an event is delivered again', async () => {
    const ctx = await newTenant();
    const { session_id, subscription } = await buyPro(ctx);
    const before = await tenantRow(ctx);
    const changes = (await planChanges(ctx)).length;
    for (const event of [...(await eventsAbout(session_id)), ...(await eventsAbout(subscription))]) {
      await control(standIn.url, `/events/${event.id}/resend`, {});
    }
    expect((await planChanges(ctx)).length).toBe(changes);
    expect((await tenantRow(ctx))!.version).toBe(before!.version);
  });

  it('ends in Stripe’s current state when the events arrive newest first', async () => {
    const ctx = await newTenant();
    await control(standIn.url, '/events/hold');
    const { url } = await billing.checkout(ctx, { plan: 'pro', seats: 2 });
    await control(standIn.url, `/checkout/${sessionIdOf(url)}/complete`);
    await control(standIn.url, '/events/release', { order: 'reversed' });
    expect(await tenantRow(ctx)).toMatchObject({ plan: 'pro', billingStatus: 'active', seatsPaid: 2 });
  });

  it('refuses a forged or stale signature with 400 and changes nothing', async () => {
    const ctx = await newTenant();
    const sub = await buyPro(ctx);
    const before = await tenantRow(ctx);
    const payload = JSON.stringify({ id: 'evt_forged', type: 'customer.subscription.deleted', created: Math.floor(Date.now() / 1000), data: { object: { id: sub.subscription } } });
    const forged = await domainError(billing.handleWebhook(systemContext(), { payload, signature: `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` }));
    expect(forged.status).toBe(400);
    const events = await eventsAbout(sub.subscription);
    answers.length = 0;
    await control(standIn.url, `/events/${events[0].id}/resend`, { signature_age_seconds: 600 });
    expect(answers).toEqual([400]);
    expect((await tenantRow(ctx))!.version).toBe(before!.version);
  });

  it('puts a past-due tenant in grace, then read-only (in Redis for the gateway), and back on payment', async () => {
    const ctx = await newTenant();
    const { subscription } = await buyPro(ctx);
    await control(standIn.url, `/subscriptions/${subscription}/fail_next_payment`);
    await control(standIn.url, `/subscriptions/${subscription}/renew`);
    let tenant = (await tenantRow(ctx))!;
    expect(tenant.billingStatus).toBe('past_due');
    expect(tenant.readOnlyFrom!.getTime()).toBeGreaterThan(Date.now());
    expect((await billing.subscription(ctx)).payment_state).toBe('past_due');

    // A month later on Stripe's clock, still unpaid: the grace period is over.
    await control(standIn.url, `/subscriptions/${subscription}/renew`);
    tenant = (await tenantRow(ctx))!;
    expect(tenant.readOnlyFrom!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await billing.subscription(ctx)).payment_state).toBe('read_only');
    expect(Number(await redis.get(billingReadOnlyKey(ctx.tenantId)))).toBe(tenant.readOnlyFrom!.getTime());

    await control(standIn.url, `/subscriptions/${subscription}/recover`);
    expect(await tenantRow(ctx)).toMatchObject({ billingStatus: 'active', readOnlyFrom: null, pastDueSince: null });
    expect(await redis.get(billingReadOnlyKey(ctx.tenantId))).toBeNull();
  });

  it('moves a subscription cancelled at period end to basic when the period ends', async () => {
    const ctx = await newTenant();
    const { subscription } = await buyPro(ctx);
    await control(standIn.url, `/subscriptions/${subscription}/cancel_at_period_end`);
    expect(await tenantRow(ctx)).toMatchObject({ plan: 'pro', cancelAtPeriodEnd: true });
    await control(standIn.url, `/subscriptions/${subscription}/renew`);
    const tenant = (await tenantRow(ctx))!;
    expect(tenant).toMatchObject({ plan: 'basic', billingStatus: 'canceled', seatsPaid: null });
    expect(tenant.enabledModules).not.toContain('telephony');
  });

  it('refuses a user beyond the paid seats with 422 seat_limit', async () => {
    const ctx = await newTenant('pro', 'active', { seatsPaid: 2 });
    await users.create(ctx, { email: `a-${randomUUID()}@example.test`, full_name: 'A', role: 'rep', password: STRONG });
    const error = await domainError(users.create(ctx, { email: `b-${randomUUID()}@example.test`, full_name: 'B', role: 'rep' }));
    expect(error).toMatchObject({ status: 422, code: 'seat_limit', details: { seats_used: 2, seats_paid: 2 } });
  });

  it('gives the last paid seat to exactly one of ten parallel user creations', async () => {
    const ctx = await newTenant('pro', 'active', { seatsPaid: 3 });
    await users.create(ctx, { email: `a-${randomUUID()}@example.test`, full_name: 'A', role: 'rep', password: STRONG });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => users.create(ctx, { email: `p${i}-${randomUUID()}@example.test`, full_name: `P${i}`, role: 'rep', password: STRONG })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => (r.reason as { code?: string }).code === 'seat_limit')).toBe(true);
  });

  it('lets an admin switch a module of the plan off, and refuses one outside it with 403 module_not_in_plan', async () => {
    const pro = await newTenant('pro', 'active', { seatsPaid: 2 });
    expect((await tenantsService.update(pro, { enabled_modules: ['crm', 'email_sync'] })).enabled_modules).toEqual(['crm', 'email_sync']);
    expect((await tenantsService.modules(pro)).enabled_modules).toEqual(['crm', 'email_sync']);
    expect((await tenantsService.update(pro, { enabled_modules: ['crm', 'telephony'] })).enabled_modules).toEqual(['crm', 'telephony']);

    const basic = await newTenant();
    const error = await domainError(tenantsService.update(basic, { enabled_modules: ['crm', 'telephony'] }));
    expect(error).toMatchObject({ status: 403, code: 'module_not_in_plan', details: { modules: ['telephony'] } });
  });

  it('answers 502 upstream_error and creates nothing while Stripe is down', async () => {
    const ctx = await newTenant();
    await control(standIn.url, '/outage', { enabled: true });
    try {
      const error = await domainError(billing.checkout(ctx, { plan: 'pro', seats: 1 }));
      expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
      expect((await tenantRow(ctx))!.stripeCustomerId).toBeNull();
    } finally {
      await control(standIn.url, '/outage', { enabled: false });
    }
  });
});
