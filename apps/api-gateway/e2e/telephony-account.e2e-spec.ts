import { api, e2eStack, newTenant, newUser, type TenantSession } from '@engage/testing';
import { createStandInTwilioClient } from '@engage/providers/twilio';

/** The tenant's Twilio account through the gateway: see it, connect one, have a subaccount made, go back; admins only. */
jest.setTimeout(120_000);

type AccountView = { account_sid: string | null; friendly_name: string | null; source: 'tenant' | 'platform'; connected_at: string | null };

describe('the tenant’s Twilio account through the gateway', () => {
  let standIn: { url: string; accountSid: string; authToken: string };
  let tenant: TenantSession;
  let other: TenantSession;

  beforeAll(async () => {
    const twilio = e2eStack.provider('twilio');
    standIn = { url: String(twilio.url), accountSid: String(twilio.accountSid), authToken: String(twilio.authToken) };
    [tenant, other] = await Promise.all([newTenant('TwilioOwn'), newTenant('TwilioShared')]);
  });

  it('shows the platform account, creates and connects a subaccount, and goes back on DELETE; never the token', async () => {
    const t = tenant.accessToken;
    const platform = await api<AccountView>('/v1/telephony/account', { token: t });
    expect(platform.status).toBe(200);
    expect(platform.body).toEqual({ account_sid: standIn.accountSid, friendly_name: null, source: 'platform', connected_at: null });

    const created = await api<AccountView>('/v1/telephony/account/subaccount', { token: t, body: { friendly_name: 'TwilioOwn sales' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: 'tenant', friendly_name: 'TwilioOwn sales' });
    expect(created.body.account_sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(created.body.account_sid).not.toBe(standIn.accountSid);
    expect(Object.keys(created.body).sort()).toEqual(['account_sid', 'connected_at', 'friendly_name', 'source']);
    expect((await api<AccountView>('/v1/telephony/account', { token: t })).body).toEqual(created.body);
    expect((await api('/v1/telephony/account/subaccount', { token: t, body: {} })).status).toBe(409);
    // Another tenant is still on the platform account.
    expect((await api<AccountView>('/v1/telephony/account', { token: other.accessToken })).body.source).toBe('platform');

    const back = await api<AccountView>('/v1/telephony/account', { method: 'DELETE', token: t });
    expect(back.status).toBe(200);
    expect(back.body).toEqual(platform.body);
    expect((await api('/v1/telephony/account', { method: 'DELETE', token: t })).status).toBe(404);
  });

  it('connects an account Twilio accepts and answers 400 to one it refuses or to malformed input', async () => {
    const t = tenant.accessToken;
    const brought = await createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken).api.v2010.accounts.create({ friendlyName: 'Brought along' });
    const refused = await api<{ error?: string }>('/v1/telephony/account', { method: 'PUT', token: t, body: { account_sid: brought.sid, auth_token: 'f'.repeat(32) } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain(brought.authToken);
    for (const body of [
      { account_sid: 'AC123', auth_token: brought.authToken },
      { account_sid: brought.sid },
      { account_sid: brought.sid, auth_token: 'short' },
      { account_sid: brought.sid, auth_token: brought.authToken, extra: true },
    ]) {
      const res = await api('/v1/telephony/account', { method: 'PUT', token: t, body });
      expect({ body: Object.keys(body), status: res.status }).toEqual({ body: Object.keys(body), status: 400 });
      expect(JSON.stringify(res.body)).not.toContain(brought.authToken);
    }
    expect((await api('/v1/telephony/account/subaccount', { token: t, body: { friendly_name: '' } })).status).toBe(400);

    const connected = await api<AccountView>('/v1/telephony/account', { method: 'PUT', token: t, body: { account_sid: brought.sid, auth_token: brought.authToken } });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ account_sid: brought.sid, friendly_name: 'Brought along', source: 'tenant' });
    expect(JSON.stringify(connected.body)).not.toContain(brought.authToken);
    expect((await api('/v1/telephony/account', { method: 'DELETE', token: t })).status).toBe(200);
  });

  it('is for tenant admins only: 403 for a rep and a manager, 401 without a token', async () => {
    for (const role of ['rep', 'manager'] as const) {
      const user = await newUser(tenant, role);
      expect((await api('/v1/telephony/account', { token: user.accessToken })).status).toBe(403);
      expect((await api('/v1/telephony/account', { method: 'PUT', token: user.accessToken, body: { account_sid: standIn.accountSid, auth_token: standIn.authToken } })).status).toBe(403);
      expect((await api('/v1/telephony/account/subaccount', { token: user.accessToken, body: {} })).status).toBe(403);
      expect((await api('/v1/telephony/account', { method: 'DELETE', token: user.accessToken })).status).toBe(403);
    }
    expect((await api('/v1/telephony/account')).status).toBe(401);
    expect((await api('/v1/telephony/account/subaccount', { body: {} })).status).toBe(401);
  });
});
