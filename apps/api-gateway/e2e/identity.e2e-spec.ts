import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { connect, type NatsConnection } from 'nats';
import { authenticator } from 'otplib';
import { api, e2eStack, linkToken, newTenant, newUser, nthMailTo, STRONG_PASSWORD, type TenantSession } from '@engage/testing';

/** Identity through the gateway, as the web and mobile apps use it. */
jest.setTimeout(60_000);

type Tokens = { access_token: string; refresh_token: string; user: { id: string; role: string } };

const login = (tenant: TenantSession, email = tenant.email, password = tenant.password, headers: Record<string, string> = {}) =>
  api<Tokens & { mfa_required?: boolean; mfa_token?: string }>('/v1/auth/login', { body: { tenant: tenant.slug, email, password }, headers });

describe('sessions', () => {
  it('signs up, logs in, rotates refresh tokens, revokes the family on reuse, and logs out', async () => {
    const tenant = await newTenant();
    const first = await login(tenant);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { email: tenant.email, role: 'admin' } });

    const rotated = await api<Tokens>('/v1/auth/refresh', { body: { refresh_token: first.body.refresh_token } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(first.body.refresh_token);
    const next = await api<Tokens>('/v1/auth/refresh', { body: { refresh_token: rotated.body.refresh_token } });
    expect(next.status).toBe(200);

    // The spent first token comes back: someone copied it. The whole sign-in ends.
    const reuse = await api('/v1/auth/refresh', { body: { refresh_token: first.body.refresh_token } });
    expect(reuse.status).toBe(401);
    const afterReuse = await api('/v1/auth/refresh', { body: { refresh_token: next.body.refresh_token } });
    expect(afterReuse.status).toBe(401);

    const session = await login(tenant);
    expect((await api('/v1/me', { token: session.body.access_token })).status).toBe(200);
    const out = await api('/v1/auth/logout', { token: session.body.access_token, body: { refresh_token: session.body.refresh_token } });
    expect(out.status).toBe(200);
    expect((await api('/v1/me', { token: session.body.access_token })).status).toBe(401);
    expect((await api('/v1/auth/refresh', { body: { refresh_token: session.body.refresh_token } })).status).toBe(401);
  });

  it('gives browsers the refresh token only as an httpOnly, Secure, SameSite=Strict cookie', async () => {
    const tenant = await newTenant();
    const res = await login(tenant, tenant.email, tenant.password, { 'x-engage-client': 'browser' });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/engage_refresh=rt_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const refreshed = await api<Tokens>('/v1/auth/refresh', { method: 'POST', headers: { cookie: cookie.split(';')[0], 'x-engage-client': 'browser' }, body: {} });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toBeTruthy();
  });

  it('refuses forged, unsigned and garbled tokens with 401', async () => {
    const tenant = await newTenant();
    const { privateKey } = generateKeyPairSync('ed25519');
    const kid = JSON.parse(Buffer.from(tenant.accessToken.split('.')[0], 'base64url').toString()).kid;
    const forged = await new SignJWT({ tid: tenant.tenantId, role: 'admin' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(tenant.userId)
      .setJti(randomUUID())
      .setIssuer('engage')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    const [, payload] = tenant.accessToken.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    for (const token of [forged, unsigned, 'not-a-token', `${tenant.accessToken}x`]) {
      const res = await api('/v1/me', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('throttles the sixth failed login for an account with 429 and Retry-After', async () => {
    const tenant = await newTenant();
    for (let i = 0; i < 5; i++) expect((await login(tenant, tenant.email, 'wrong password 123')).status).toBe(401);
    const sixth = await login(tenant, tenant.email, 'wrong password 123');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sixth.body).toMatchObject({ error: 'rate_limited' });
    // The right password does not get through either while the block lasts.
    expect((await login(tenant)).status).toBe(429);
  });

  it('answers a login for an unknown tenant or email exactly like a wrong password', async () => {
    const tenant = await newTenant();
    const wrong = await login(tenant, tenant.email, 'wrong password 123');
    const unknownEmail = await login(tenant, 'nobody@example.test', 'wrong password 123');
    const unknownTenant = await api('/v1/auth/login', { body: { tenant: `nope-${randomUUID()}`, email: tenant.email, password: 'x' } });
    for (const res of [wrong, unknownEmail, unknownTenant]) {
      expect(res.status).toBe(401);
      expect((res.body as unknown as { message: string }).message).toBe('The email or password is incorrect.');
    }
  });

  it('publishes signing keys at /.well-known/jwks.json', async () => {
    const res = await api<{ keys: Array<{ kty: string; alg: string; kid: string }> }>('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys[0]).toMatchObject({ kty: 'OKP', alg: 'EdDSA', kid: expect.any(String) });
  });
});

describe('password reset', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connect({ servers: e2eStack.natsUrl() });
  });
  afterAll(() => nc.close());

  it('answers the same for existing and unknown accounts, mails a working link, and a reset ends every session', async () => {
    const tenant = await newTenant();
    // Every identity event published meanwhile: none may carry the link's token (ADR 0024).
    const seen: string[] = [];
    const events = nc.subscribe('evt.user.>', { callback: (_err, msg) => seen.push(new TextDecoder().decode(msg.data)) });
    const known = await api('/v1/auth/password-reset', { body: { tenant: tenant.slug, email: tenant.email } });
    const unknown = await api('/v1/auth/password-reset', { body: { tenant: tenant.slug, email: 'ghost@example.test' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);

    const mail = await nthMailTo(tenant.email, 1, 'Reset your Engage password');
    const token = linkToken(mail);
    expect(mail.html).toContain('reset-password?token=');
    await new Promise((r) => setTimeout(r, 500));
    events.unsubscribe();
    expect(seen.some((e) => e.includes('password_reset_requested') && e.includes(tenant.tenantId))).toBe(true);
    expect(seen.filter((e) => e.includes(token))).toEqual([]);

    const weak = await api('/v1/auth/password-reset/confirm', { body: { token, new_password: 'short' } });
    expect(weak.status).toBe(400);
    const newPassword = 'a brand new passphrase 2026';
    const confirmed = await api('/v1/auth/password-reset/confirm', { body: { token, new_password: newPassword } });
    expect(confirmed.status).toBe(200);
    expect((await api('/v1/me', { token: tenant.accessToken })).status).toBe(401);
    expect((await api('/v1/auth/refresh', { body: { refresh_token: tenant.refreshToken } })).status).toBe(401);
    expect((await login(tenant, tenant.email, STRONG_PASSWORD)).status).toBe(401);
    expect((await login(tenant, tenant.email, newPassword)).status).toBe(200);
    const again = await api('/v1/auth/password-reset/confirm', { body: { token, new_password: 'yet another passphrase 99' } });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_token' });
  });
});

describe('users and roles', () => {
  it('lets an admin create users, and refuses a rep with 403', async () => {
    const tenant = await newTenant();
    const rep = await newUser(tenant, 'rep');
    const res = await api('/v1/users', { token: rep.accessToken, body: { email: 'x@example.test', full_name: 'X', role: 'rep', password: STRONG_PASSWORD } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden' });
    expect((await api('/v1/users', { token: rep.accessToken })).status).toBe(200);
  });

  it('answers 404 to tenant B for tenant A’s user ids, on every verb', async () => {
    const a = await newTenant('Alpha');
    const b = await newTenant('Beta');
    const target = a.userId;
    expect((await api(`/v1/users/${target}`, { token: b.accessToken })).status).toBe(404);
    expect((await api(`/v1/users/${target}`, { token: b.accessToken, method: 'PATCH', body: { full_name: 'Hijacked' } })).status).toBe(404);
    expect((await api(`/v1/users/${target}`, { token: b.accessToken, method: 'DELETE' })).status).toBe(404);
    expect((await api(`/v1/users/${target}/role`, { token: b.accessToken, method: 'PUT', body: { role: 'rep' } })).status).toBe(404);
    expect((await api(`/v1/users/${target}`, { token: a.accessToken })).status).toBe(200);
  });

  it('keeps email unique within a tenant regardless of case', async () => {
    const tenant = await newTenant();
    const res = await api('/v1/users', { token: tenant.accessToken, body: { email: tenant.email.toUpperCase(), full_name: 'Dup', role: 'rep', password: STRONG_PASSWORD } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'duplicate' });
  });

  it('voids a deactivated user’s live token at once', async () => {
    const tenant = await newTenant();
    const rep = await newUser(tenant, 'rep');
    expect((await api('/v1/me', { token: rep.accessToken })).status).toBe(200);
    const off = await api(`/v1/users/${rep.id}`, { token: tenant.accessToken, method: 'DELETE' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ is_active: false });
    expect((await api('/v1/me', { token: rep.accessToken })).status).toBe(401);
    expect((await api('/v1/auth/refresh', { body: { refresh_token: rep.refreshToken } })).status).toBe(401);
    expect((await login(tenant, rep.email, STRONG_PASSWORD)).status).toBe(401);
  });

  it('changes roles, refuses to demote the last admin, and validates bodies', async () => {
    const tenant = await newTenant();
    const manager = await newUser(tenant, 'manager');
    const promoted = await api(`/v1/users/${manager.id}/role`, { token: tenant.accessToken, method: 'PUT', body: { role: 'admin' } });
    expect(promoted.body).toMatchObject({ role: 'admin' });
    const last = await newTenant();
    const demote = await api(`/v1/users/${last.userId}/role`, { token: last.accessToken, method: 'PUT', body: { role: 'rep' } });
    expect(demote.status).toBe(422);
    expect(demote.body).toMatchObject({ error: 'last_admin' });
    const bad = await api(`/v1/users/${manager.id}/role`, { token: tenant.accessToken, method: 'PUT', body: { role: 'owner', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'validation_failed', details: { fields: { role: expect.any(Array), extra: expect.any(Array) } } });
    expect((await api('/v1/users/not-a-uuid', { token: tenant.accessToken })).status).toBe(400);
  });

  it('invites a user without a password and lets them set one, by a mailed link whose token is in no event', async () => {
    const tenant = await newTenant();
    const nc = await connect({ servers: e2eStack.natsUrl() });
    const seen: string[] = [];
    const events = nc.subscribe('evt.user.>', { callback: (_err, msg) => seen.push(new TextDecoder().decode(msg.data)) });
    const email = `invitee-${randomUUID().slice(0, 6)}@example.test`;
    const created = await api<{ id: string; has_password: boolean }>('/v1/users', { token: tenant.accessToken, body: { email, full_name: 'New Person', role: 'rep' } });
    expect(created.status).toBe(201);
    expect(created.body.has_password).toBe(false);
    const mail = await nthMailTo(email, 1, 'invited');
    const token = linkToken(mail);
    expect(mail.text).toContain('New Person');
    await new Promise((r) => setTimeout(r, 500));
    events.unsubscribe();
    await nc.close();
    expect(seen.some((e) => e.includes('evt.user.user.invited') && e.includes(email))).toBe(true);
    expect(seen.filter((e) => e.includes(token))).toEqual([]);
    expect((await api('/v1/auth/password-reset/confirm', { body: { token, new_password: 'my first passphrase here' } })).status).toBe(200);
    expect((await login(tenant, email, 'my first passphrase here')).status).toBe(200);
  });
});

describe('tenant', () => {
  it('reads and updates the tenant with ETag / If-Match, admins only', async () => {
    const tenant = await newTenant();
    const read = await api<{ version: number; settings: Record<string, unknown> }>('/v1/tenant', { token: tenant.accessToken });
    expect(read.status).toBe(200);
    const etag = read.headers.get('etag')!;
    const updated = await api('/v1/tenant', { token: tenant.accessToken, method: 'PATCH', headers: { 'if-match': etag }, body: { settings: { default_country: 'GB' } } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ settings: { default_country: 'GB', timezone: 'UTC' } });
    const stale = await api('/v1/tenant', { token: tenant.accessToken, method: 'PATCH', headers: { 'if-match': etag }, body: { name: 'Renamed' } });
    expect(stale.status).toBe(412);
    const rep = await newUser(tenant, 'rep');
    expect((await api('/v1/tenant', { token: rep.accessToken, method: 'PATCH', body: { name: 'Mine' } })).status).toBe(403);
  });
});

describe('API keys', () => {
  it('authenticates with a key until it is revoked', async () => {
    const tenant = await newTenant();
    const created = await api<{ id: string; key: string; role: string }>('/v1/api-keys', { token: tenant.accessToken, body: { name: 'Sync', role: 'manager' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ek_/);
    const me = await api<{ id: string }>('/v1/me', { token: created.body.key });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(tenant.userId);
    // The key acts as a manager: user administration is out of reach.
    expect((await api('/v1/users', { token: created.body.key, body: { email: 'k@example.test', full_name: 'K', role: 'rep', password: STRONG_PASSWORD } })).status).toBe(403);
    const listed = await api<{ data: Array<{ id: string; key?: string; last_used_at: string | null }> }>('/v1/api-keys', { token: tenant.accessToken });
    expect(listed.body.data[0].key).toBeUndefined();
    expect(listed.body.data[0].last_used_at).not.toBeNull();
    expect((await api(`/v1/api-keys/${created.body.id}`, { token: tenant.accessToken, method: 'DELETE' })).status).toBe(200);
    expect((await api('/v1/me', { token: created.body.key })).status).toBe(401);
    const other = await newTenant();
    expect((await api(`/v1/api-keys/${created.body.id}`, { token: other.accessToken, method: 'DELETE' })).status).toBe(404);
  });

  it('never lets a key outrank its creator: demoting the creator demotes the key', async () => {
    const tenant = await newTenant();
    const second = await newUser(tenant, 'admin');
    const created = await api<{ key: string }>('/v1/api-keys', { token: second.accessToken, body: { name: 'Admin sync', role: 'admin' } });
    expect(created.status).toBe(201);
    expect((await api('/v1/api-keys', { token: created.body.key })).status).toBe(200);
    expect((await api(`/v1/users/${second.id}/role`, { token: tenant.accessToken, method: 'PUT', body: { role: 'rep' } })).status).toBe(200);
    // Now it acts as a rep: API keys and user administration are out of reach, contacts are not.
    expect((await api('/v1/api-keys', { token: created.body.key })).status).toBe(403);
    expect((await api('/v1/contacts', { token: created.body.key })).status).toBe(200);
  });
});

describe('two-factor sign-in', () => {
  it('enrols TOTP, then requires a code (each good once) or a recovery code (once) at login', async () => {
    const tenant = await newTenant();
    const enrol = await api<{ secret: string; otpauth_url: string }>('/v1/auth/mfa/enroll', { token: tenant.accessToken, method: 'POST' });
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauth_url).toMatch(/^otpauth:\/\/totp\//);
    expect((await api('/v1/auth/mfa/activate', { token: tenant.accessToken, body: { code: '000000' } })).status).toBe(400);
    const activated = await api<{ recovery_codes: string[] }>('/v1/auth/mfa/activate', {
      token: tenant.accessToken,
      body: { code: authenticator.generate(enrol.body.secret) },
    });
    expect(activated.status).toBe(200);
    expect(activated.body.recovery_codes).toHaveLength(10);

    const step1 = await login(tenant);
    expect(step1.body).toMatchObject({ mfa_required: true });
    expect(step1.body.access_token).toBeUndefined();
    const wrong = await api('/v1/auth/login/mfa', { body: { mfa_token: step1.body.mfa_token, code: '123456' } });
    expect(wrong.status).toBe(401);
    // The activation spent this 30-second step's code; the next step's code is accepted (one step
    // of clock drift either way), once.
    const nextCode = authenticator.clone({ epoch: Date.now() + 30_000 }).generate(enrol.body.secret);
    const step2 = await api<Tokens>('/v1/auth/login/mfa', { body: { mfa_token: step1.body.mfa_token, code: nextCode } });
    expect(step2.status).toBe(200);
    expect(step2.body.access_token).toBeTruthy();
    const replay = await login(tenant);
    expect((await api('/v1/auth/login/mfa', { body: { mfa_token: replay.body.mfa_token, code: nextCode } })).status).toBe(401);

    const recovery = activated.body.recovery_codes[0];
    const again = await login(tenant);
    expect((await api('/v1/auth/login/mfa', { body: { mfa_token: again.body.mfa_token, code: recovery } })).status).toBe(200);
    const third = await login(tenant);
    expect((await api('/v1/auth/login/mfa', { body: { mfa_token: third.body.mfa_token, code: recovery } })).status).toBe(401);
  });
});

describe('rate limits', () => {
  it('reports the caller’s budget in RateLimit-* headers', async () => {
    const tenant = await newTenant();
    const res = await api('/v1/me', { token: tenant.accessToken });
    expect(Number(res.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('ratelimit-remaining'))).toBeLessThan(Number(res.headers.get('ratelimit-limit')));
    expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  });
});
