import { api, e2eStack, newTenant, newUser, STRONG_PASSWORD, type TenantSession, zoneAtLocalHour } from '@engage/testing';

/**
 * Billing through the gateway with the Stripe stand-in the stack runs: the stand-in completes a
 * checkout and posts its signed webhooks to POST /webhooks/stripe on the gateway, as Stripe would.
 */
jest.setTimeout(90_000);

const stripe = () => String(e2eStack.provider('stripe').url);

/** The stand-in's control API; it answers once the webhooks its action caused were delivered. */
async function control<T = Record<string, unknown>>(path: string, body: unknown = {}, method = 'POST'): Promise<T> {
  const res = await fetch(`${stripe()}/_standin${path}`, {
    method,
    headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

type Subscription = { plan: string; status: string; seats_used: number; seats_paid: number; payment_state: string; modules: string[] };

/** Checkout of `seats` seats of `plan`, paid at the stand-in. */
async function buy(tenant: TenantSession, plan: string, seats: number) {
  const checkout = await api<{ url: string }>('/v1/billing/checkout', { token: tenant.accessToken, body: { plan, seats } });
  expect(checkout.status).toBe(200);
  const sessionId = checkout.body.url.split('/').pop()!;
  return control<{ subscription: string }>(`/checkout/${sessionId}/complete`);
}

const subscriptionOf = (tenant: TenantSession) => api<Subscription>('/v1/billing/subscription', { token: tenant.accessToken });

describe('billing routes', () => {
  it('start a new tenant on a pro trial and answer 401 without a token and 403 to a non-admin', async () => {
    const tenant = await newTenant();
    const sub = await subscriptionOf(tenant);
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ plan: 'pro', status: 'trialing', seats_used: 1, payment_state: 'ok' });
    expect(sub.body.modules).toEqual(expect.arrayContaining(['crm', 'telephony', 'api_keys']));

    expect((await api('/v1/billing/subscription')).status).toBe(401);
    expect((await api('/v1/billing/checkout', { body: { plan: 'pro', seats: 1 } })).status).toBe(401);
    const manager = await newUser(tenant, 'manager');
    expect((await api('/v1/billing/checkout', { token: manager.accessToken, body: { plan: 'pro', seats: 1 } })).status).toBe(403);
    expect((await api('/v1/billing/portal', { token: manager.accessToken, body: {} })).status).toBe(403);
    expect((await api('/v1/billing/subscription', { token: manager.accessToken })).status).toBe(403);
  });

  it('refuse an unknown plan, a seat count of 0 and unknown fields with 400', async () => {
    const tenant = await newTenant();
    for (const body of [{ plan: 'gold', seats: 1 }, { plan: 'pro', seats: 0 }, { plan: 'pro', seats: 1, coupon: 'x' }]) {
      expect((await api('/v1/billing/checkout', { token: tenant.accessToken, body })).status).toBe(400);
    }
  });

  it('return a Customer Portal url', async () => {
    const tenant = await newTenant();
    const portal = await api<{ url: string }>('/v1/billing/portal', { token: tenant.accessToken, body: {} });
    expect(portal.status).toBe(200);
    expect(portal.body.url).toMatch(/\/portal\/bps_/);
  });
});

describe('a completed checkout', () => {
  it('puts the tenant on the plan bought, with its modules and seats, enforced at the gateway', async () => {
    const tenant = await newTenant();
    await newUser(tenant, 'rep');
    await buy(tenant, 'basic', 2);
    const sub = await subscriptionOf(tenant);
    expect(sub.body).toMatchObject({ plan: 'basic', status: 'active', seats_used: 2, seats_paid: 2 });
    expect(sub.body.modules).not.toContain('telephony');

    // Basic has no API keys and no telephony; both seats are taken.
    const keys = await api('/v1/api-keys', { token: tenant.accessToken });
    expect(keys).toMatchObject({ status: 403, body: { error: 'module_not_enabled' } });
    const patch = await api('/v1/tenant', { method: 'PATCH', token: tenant.accessToken, body: { enabled_modules: ['crm', 'telephony'] } });
    expect(patch).toMatchObject({ status: 403, body: { error: 'module_not_in_plan' } });
    const extra = await api('/v1/users', { token: tenant.accessToken, body: { email: 'third@example.test', full_name: 'Third', role: 'rep', password: STRONG_PASSWORD } });
    expect(extra).toMatchObject({ status: 422, body: { error: 'seat_limit' } });
    const invite = await api('/v1/users', { token: tenant.accessToken, body: { email: 'invited@example.test', full_name: 'Invited', role: 'rep' } });
    expect(invite).toMatchObject({ status: 422, body: { error: 'seat_limit' } });

    // No calls on basic; an upgrade of the same subscription to pro turns telephony on.
    const phone = '+14155553071';
    const created = await api<{ id: string }>('/v1/contacts', {
      token: tenant.accessToken,
      body: { first_name: 'Pat', phones: [{ number: phone, is_primary: true }], timezone: zoneAtLocalHour(12) },
    });
    await api('/v1/consents', { token: tenant.accessToken, body: { phone, type: 'call', status: 'granted', source: 'web_form' } });
    const call = () => api<{ error?: string }>('/v1/calls', { token: tenant.accessToken, body: { contact_id: created.body.id, rep_phone: '+14155553000' } });
    expect(await call()).toMatchObject({ status: 422, body: { error: 'module_not_enabled' } });

    const upgrade = await api<{ url: string }>('/v1/billing/checkout', { token: tenant.accessToken, body: { plan: 'pro', seats: 3 } });
    expect(upgrade.status).toBe(200);
    await control('/flush');
    expect((await subscriptionOf(tenant)).body).toMatchObject({ plan: 'pro', seats_paid: 3 });
    const placed = await call();
    expect(placed.body.error).not.toBe('module_not_enabled');
    expect(placed.status).toBe(201);
    expect((await api('/v1/users', { token: tenant.accessToken, body: { email: 'third@example.test', full_name: 'Third', role: 'rep', password: STRONG_PASSWORD } })).status).toBe(201);
  });

  it('moves a trial tenant to paid pro; delivering the events again changes nothing', async () => {
    const tenant = await newTenant();
    const { subscription } = await buy(tenant, 'pro', 3);
    const first = await api<{ version: number }>('/v1/tenant', { token: tenant.accessToken });
    expect((await subscriptionOf(tenant)).body).toMatchObject({ plan: 'pro', status: 'active', seats_paid: 3 });
    expect((await api('/v1/api-keys', { token: tenant.accessToken })).status).toBe(200);

    const { data } = await control<{ data: Array<{ id: string; object_id: string }> }>('/events', undefined, 'GET');
    for (const event of data.filter((e) => e.object_id === subscription)) await control(`/events/${event.id}/resend`);
    expect((await api<{ version: number }>('/v1/tenant', { token: tenant.accessToken })).body.version).toBe(first.body.version);

    // The change is in the audit trail, once.
    type Entry = { action: string; changes: { to?: { plan?: string } } };
    let changes: Entry[] = [];
    for (let i = 0; i < 50 && changes.length === 0; i++) {
      const audit = await api<{ data: Entry[] }>(`/v1/audit?entity=tenant&entity_id=${tenant.tenantId}`, { token: tenant.accessToken });
      changes = audit.body.data.filter((e) => e.action === 'tenant.plan_changed');
      if (changes.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(changes).toHaveLength(1);
    expect(changes[0].changes.to).toMatchObject({ plan: 'pro' });
  });
});

describe('POST /webhooks/stripe', () => {
  it('answers 400 to a forged signature', async () => {
    const body = JSON.stringify({ id: 'evt_forged', type: 'customer.subscription.deleted', created: Math.floor(Date.now() / 1000), data: { object: {} } });
    const forged = await fetch(`${e2eStack.gatewayUrl()}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body,
    });
    expect(forged.status).toBe(400);
    const unsigned = await fetch(`${e2eStack.gatewayUrl()}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(400);
  });
});

describe('a past-due tenant', () => {
  it('keeps working through the grace period, then answers writes with 402 while reads and billing work, until it pays', async () => {
    const tenant = await newTenant();
    const { subscription } = await buy(tenant, 'pro', 2);
    await control(`/subscriptions/${subscription}/fail_next_payment`);
    await control(`/subscriptions/${subscription}/renew`);
    expect((await subscriptionOf(tenant)).body).toMatchObject({ status: 'past_due', payment_state: 'past_due' });
    const during = await api('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Grace' } });
    expect(during.status).toBe(201);

    // A month on, on Stripe's clock, still unpaid: the grace period is over.
    await control(`/subscriptions/${subscription}/renew`);
    expect((await subscriptionOf(tenant)).body).toMatchObject({ status: 'past_due', payment_state: 'read_only' });
    const write = await api('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Blocked' } });
    expect(write).toMatchObject({ status: 402, body: { error: 'payment_required' } });
    expect((await api('/v1/contacts', { token: tenant.accessToken })).status).toBe(200);
    expect((await api('/v1/billing/portal', { token: tenant.accessToken, body: {} })).status).toBe(200);

    await control(`/subscriptions/${subscription}/recover`);
    expect((await subscriptionOf(tenant)).body).toMatchObject({ status: 'active', payment_state: 'ok' });
    expect((await api('/v1/contacts', { token: tenant.accessToken, body: { first_name: 'Paid' } })).status).toBe(201);
  });
});
