import { api, newTenant, type TenantSession } from '@engage/testing';

/**
 * Issue 15, item 7: a refresh token used twice means it was copied. The whole sign-in (the
 * refresh family) ends, and with it every access token the family issued, the successor's
 * included. And logout is for sign-in sessions: with an API key it is refused (400).
 */
jest.setTimeout(120_000);

type Pair = { access_token: string; refresh_token: string };

async function signIn(tenant: TenantSession): Promise<Pair> {
  const res = await api<Pair>('/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.email, password: tenant.password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.body;
}
const refresh = (refreshToken: string) => api<Pair>('/v1/auth/refresh', { body: { refresh_token: refreshToken } });
const me = (token: string) => api('/v1/me', { token });

describe('refresh-token reuse', () => {
  it('ends the access tokens of the whole family, the successor’s included', async () => {
    const tenant = await newTenant('Family');
    const first = await signIn(tenant);
    const second = (await refresh(first.refresh_token)).body;
    const third = (await refresh(second.refresh_token)).body;
    const other = await signIn(tenant);
    for (const t of [first, second, third]) expect((await me(t.access_token)).status).toBe(200);

    // The thief replays the first refresh token.
    expect((await refresh(first.refresh_token)).status).toBe(401);
    for (const t of [first, second, third]) expect((await me(t.access_token)).status).toBe(401);
    expect((await refresh(third.refresh_token)).status).toBe(401);
    // Another sign-in of the same user is not affected.
    expect((await me(other.access_token)).status).toBe(200);
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it('leaves nothing of the family alive when the reuse races the rightful refresh (5 rounds)', async () => {
    const tenant = await newTenant('Race');
    for (let round = 0; round < 5; round++) {
      const first = await signIn(tenant);
      const second = (await refresh(first.refresh_token)).body;
      // The owner refreshes with the current token while the thief replays the spent one.
      const [owner, thief] = await Promise.all([refresh(second.refresh_token), refresh(first.refresh_token)]);
      expect(thief.status).toBe(401);
      const alive = [first.access_token, second.access_token, ...(owner.status === 200 ? [owner.body.access_token] : [])];
      for (const token of alive) expect((await me(token)).status).toBe(401);
      if (owner.status === 200) expect((await refresh(owner.body.refresh_token)).status).toBe(401);
    }
  });
});

describe('logout with an API key', () => {
  it('is refused with 400, and the key keeps working until it is revoked', async () => {
    const tenant = await newTenant('KeyLogout');
    const created = await api<{ id: string; key: string }>('/v1/api-keys', { token: tenant.accessToken, body: { name: 'Sync', role: 'manager' } });
    const out = await api('/v1/auth/logout', { token: created.body.key, body: {} });
    expect(out.status).toBe(400);
    expect(out.body).toMatchObject({ error: 'bad_request' });
    expect((await me(created.body.key)).status).toBe(200);
    expect((await api(`/v1/api-keys/${created.body.id}`, { token: tenant.accessToken, method: 'DELETE' })).status).toBe(200);
    expect((await me(created.body.key)).status).toBe(401);
  });
});
