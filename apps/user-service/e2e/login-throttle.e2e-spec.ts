import { api, newTenant, type TenantSession } from '@engage/testing';

/**
 * Issue 15, item 4: failed sign-ins are limited to five per account and address per window,
 * however they arrive. Each attempt takes its place before the password is checked.
 */
jest.setTimeout(120_000);

const login = (tenant: TenantSession, password: string) =>
  api<{ access_token?: string }>('/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.email, password } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('password guesses sent at once', () => {
  it('judges at most five of twenty concurrent wrong passwords; the rest get 429 with Retry-After', async () => {
    const tenant = await newTenant('Burst');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(tenant, `wrong password ${i} xyz`)));
    const judged = results.filter((r) => r.status === 401);
    const refused = results.filter((r) => r.status === 429);
    expect(judged.length).toBeLessThanOrEqual(5);
    expect(judged.length + refused.length).toBe(20);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.body).toMatchObject({ error: 'rate_limited' });
    }
    expect((await login(tenant, tenant.password)).status).toBe(429);
  });

  it('refuses the right password sent inside a burst of fifteen wrong ones', async () => {
    const tenant = await newTenant('Inside');
    const wrong = Array.from({ length: 15 }, (_, i) => login(tenant, `wrong password ${i} xyz`));
    // The right password leaves while the wrong ones are still being checked.
    await sleep(300);
    const right = await login(tenant, tenant.password);
    await Promise.all(wrong);
    expect(right.status).toBe(429);
    expect(right.body.access_token).toBeUndefined();
  });

  it('still lets the owner in after four wrong passwords, and the count starts again after a sign-in', async () => {
    const tenant = await newTenant('Owner');
    await Promise.all(Array.from({ length: 4 }, (_, i) => login(tenant, `wrong password ${i} xyz`)));
    expect((await login(tenant, tenant.password)).status).toBe(200);
    const again = await Promise.all(Array.from({ length: 4 }, (_, i) => login(tenant, `wrong password ${i} xyz`)));
    expect(again.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect((await login(tenant, tenant.password)).status).toBe(200);
  });
});
