import { api, e2eStack, newTenant, newUser, type TenantSession } from '@engage/testing';
import { twilioSignature } from '@engage/providers/twilio';
import { control } from '@engage/providers/twilio/control';

/** Consents, the DNC list and bridged calls through the gateway, with the stack's Twilio stand-in. */
jest.setTimeout(120_000);

type Call = { id: string; status: string; to: string; owner_id: string; duration_s: number | null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An IANA zone where it is now `hour`:00–`hour`:59 (Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3). */
function zoneAtLocalHour(hour: number): string {
  let offset = hour - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

describe('telephony through the gateway', () => {
  let standIn: { url: string; authToken: string };
  let tenant: TenantSession;
  let other: TenantSession;

  beforeAll(async () => {
    const twilio = e2eStack.provider('twilio');
    standIn = { url: String(twilio.url), authToken: String(twilio.authToken) };
    [tenant, other] = await Promise.all([newTenant('Dialer'), newTenant('DialerOther')]);
  });

  async function contact(phone: string, timezone: string, session = tenant): Promise<string> {
    const res = await api<{ id: string }>('/v1/contacts', { token: session.accessToken, body: { first_name: 'Pat', phones: [{ number: phone, is_primary: true }], timezone } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('keeps the consent ledger and the DNC list per tenant, with validation and roles', async () => {
    const t = tenant.accessToken;
    const granted = await api('/v1/consents', { token: t, body: { phone: '+14155553001', type: 'call', status: 'granted', source: 'web_form' } });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ phone: '+14155553001', type: 'call', status: 'granted', recorded_by: tenant.userId });
    for (const body of [{ phone: '4155553001', type: 'call', status: 'granted', source: 'x' }, { phone: '+14155553001', type: 'fax', status: 'granted', source: 'x' }, { phone: '+14155553001', type: 'call', status: 'granted' }]) {
      expect({ body, status: (await api('/v1/consents', { token: t, body })).status }).toEqual({ body, status: 400 });
    }
    expect((await api<{ data: unknown[] }>('/v1/consents?phone=%2B14155553001', { token: t })).body.data).toHaveLength(1);
    expect((await api<{ data: unknown[] }>('/v1/consents', { token: other.accessToken })).body.data).toEqual([]);

    const rep = await newUser(tenant, 'rep');
    expect((await api('/v1/dnc', { token: rep.accessToken, body: { phone: '+14155553002', reason: 'asked' } })).status).toBe(201);
    expect((await api('/v1/dnc/+14155553002', { method: 'DELETE', token: rep.accessToken })).status).toBe(403);
    expect((await api('/v1/dnc/+14155553002', { method: 'DELETE', token: other.accessToken })).status).toBe(404);
    expect((await api<{ data: Array<{ phone: string }> }>('/v1/dnc', { token: t })).body.data.map((d) => d.phone)).toEqual(['+14155553002']);
    expect((await api('/v1/dnc/+14155553002', { method: 'DELETE', token: t })).status).toBe(204);
    expect((await api('/v1/dnc/+14155553002', { method: 'DELETE', token: t })).status).toBe(404);
    expect((await api('/v1/dnc', { token: t, body: { phone: 'nope' } })).status).toBe(400);
    expect((await api('/v1/dnc')).status).toBe(401);
  });

  it('places a bridged call that ends completed, with every callback verified at the gateway', async () => {
    const t = tenant.accessToken;
    const id = await contact('+14155553007', zoneAtLocalHour(12));
    await api('/v1/consents', { token: t, body: { phone: '+14155553007', type: 'call', status: 'granted', source: 'web_form' } });
    const created = await api<Call>('/v1/calls', { token: t, body: { contact_id: id, rep_phone: '+14155553000' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'queued', to: '+14155553007', owner_id: tenant.userId });
    let call = created.body;
    for (let i = 0; i < 200 && call.status !== 'completed'; i++) {
      await sleep(50);
      call = (await api<Call>(`/v1/calls/${created.body.id}`, { token: t })).body;
    }
    expect(call).toMatchObject({ status: 'completed', duration_s: 5 });
    const { body } = await control<{ callbacks: Array<{ url: string; responseStatus: number }> }>(standIn.url, 'GET', '/callbacks?kind=call-status');
    const ours = body.callbacks.filter((c) => c.url.includes(created.body.id));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    expect(ours.every((c) => c.responseStatus === 204)).toBe(true);

    expect((await api(`/v1/calls/${created.body.id}`, { token: other.accessToken })).status).toBe(404);
    expect((await api('/v1/calls/not-an-id', { token: t })).status).toBe(400);
    const rep = await newUser(tenant, 'rep');
    expect((await api(`/v1/calls/${created.body.id}`, { method: 'PATCH', token: rep.accessToken, body: { notes: 'x' } })).status).toBe(403);
    const patched = await api<Call>(`/v1/calls/${created.body.id}`, { method: 'PATCH', token: t, body: { disposition: 'connected', notes: 'good talk' } });
    expect(patched).toMatchObject({ status: 200, body: { disposition: 'connected', notes: 'good talk' } });
    expect((await api(`/v1/calls/${created.body.id}/hangup`, { method: 'POST', token: t })).status).toBe(409);
    expect((await api<{ data: Call[] }>(`/v1/calls?contact_id=${id}`, { token: t })).body.data.map((c) => c.id)).toEqual([created.body.id]);
  });

  it('refuses with 422 and dials nothing: no consent, quiet hours', async () => {
    const t = tenant.accessToken;
    const noConsent = await contact('+14155553010', zoneAtLocalHour(12));
    expect((await api('/v1/calls', { token: t, body: { contact_id: noConsent, rep_phone: '+14155553000' } })).body).toMatchObject({ error: 'no_consent' });
    const asleep = await contact('+14155553011', zoneAtLocalHour(3));
    await api('/v1/consents', { token: t, body: { phone: '+14155553011', type: 'call', status: 'granted', source: 'web_form' } });
    const refused = await api('/v1/calls', { token: t, body: { contact_id: asleep, rep_phone: '+14155553000' } });
    expect(refused).toMatchObject({ status: 422, body: { error: 'quiet_hours' } });
    for (const to of ['+14155553010', '+14155553011']) {
      expect((await control<{ calls: unknown[] }>(standIn.url, 'GET', `/calls?to=${encodeURIComponent(to)}`)).body.calls).toEqual([]);
    }
    expect((await api('/v1/calls', { token: t, body: { contact_id: noConsent } })).status).toBe(400);
    expect((await api('/v1/calls', { token: other.accessToken, body: { contact_id: noConsent, rep_phone: '+14155553000' } })).status).toBe(404);
  });

  it('answers 403 to a forged or missing signature and 415 to a body that is not a form', async () => {
    const path = `/webhooks/twilio/voice/status?tenant=${tenant.tenantId}&call=00000000-0000-4000-8000-000000000000&leg=contact`;
    const params = { CallSid: 'CA' + '1'.repeat(32), CallStatus: 'completed', SequenceNumber: '4' };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const forged = twilioSignature('wrong-token', `${e2eStack.gatewayUrl()}${path}`, params);
    expect((await api(path, { rawBody: new URLSearchParams(params).toString(), headers: { ...form, 'x-twilio-signature': forged } })).status).toBe(403);
    expect((await api(path, { rawBody: new URLSearchParams(params).toString(), headers: form })).status).toBe(403);
    expect((await api(path, { body: params })).status).toBe(415);
    const signed = twilioSignature(standIn.authToken, `${e2eStack.gatewayUrl()}${path}`, params);
    expect((await api(path, { rawBody: new URLSearchParams(params).toString(), headers: { ...form, 'x-twilio-signature': signed } })).status).toBe(204);
  });
});
