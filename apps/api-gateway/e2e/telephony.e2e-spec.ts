import { connect } from 'nats';
import { api, e2eStack, newTenant, newUser, type TenantSession, zoneAtLocalHour } from '@engage/testing';
import { twilioSignature } from '@engage/providers/twilio';
import { control } from '@engage/providers/twilio/control';

/** Consents, the DNC list and bridged calls through the gateway, with the stack's Twilio stand-in. */
jest.setTimeout(120_000);

type Call = { id: string; status: string; to: string; owner_id: string; duration_s: number | null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  it('refuses 422 module_not_enabled once an admin switches telephony off', async () => {
    const plain = await newTenant('NoPhones');
    const off = await api('/v1/tenant', { method: 'PATCH', token: plain.accessToken, body: { enabled_modules: ['crm'] } });
    expect(off.status).toBe(200);
    const id = await contact('+14155553020', zoneAtLocalHour(12), plain);
    await api('/v1/consents', { token: plain.accessToken, body: { phone: '+14155553020', type: 'call', status: 'granted', source: 'web_form' } });
    const refused = await api('/v1/calls', { token: plain.accessToken, body: { contact_id: id, rep_phone: '+14155553000' } });
    expect(refused).toMatchObject({ status: 422, body: { error: 'module_not_enabled' } });
  });

  it('streams a recording to its owner with Range, and to nobody else', async () => {
    const rep = await newUser(tenant, 'rep');
    const otherRep = await newUser(tenant, 'rep');
    const id = await contact('+14155559004', zoneAtLocalHour(12));
    await api('/v1/consents', { token: rep.accessToken, body: { phone: '+14155559004', type: 'call', status: 'granted', source: 'web_form' } });
    const created = await api<Call & { record: boolean }>('/v1/calls', { token: rep.accessToken, body: { contact_id: id, rep_phone: '+14155553000', record: true } });
    expect(created).toMatchObject({ status: 201, body: { record: true } });
    const audio = (token: string, headers: Record<string, string> = {}) =>
      fetch(`${e2eStack.gatewayUrl()}/v1/calls/${created.body.id}/recording`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    let res = await audio(rep.accessToken);
    for (let i = 0; i < 200 && res.status === 404; i++) {
      await sleep(50);
      res = await audio(rep.accessToken);
    }
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^audio\//);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    const whole = Buffer.from(await res.arrayBuffer());
    expect(whole.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(Number(res.headers.get('content-length'))).toBe(whole.length);
    expect(JSON.stringify(Object.fromEntries(res.headers))).not.toContain('/Recordings/');

    const part = await audio(rep.accessToken, { range: 'bytes=8-11' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 8-11/${whole.length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).toBe('WAVE');
    const tail = await audio(rep.accessToken, { range: 'bytes=-100' });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 100));
    const beyond = await audio(rep.accessToken, { range: `bytes=${whole.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`);

    expect((await audio(tenant.accessToken)).status).toBe(200);
    expect((await audio(otherRep.accessToken)).status).toBe(404);
    expect((await audio(other.accessToken)).status).toBe(404);
    expect((await fetch(`${e2eStack.gatewayUrl()}/v1/calls/${created.body.id}/recording`)).status).toBe(401);
  });

  it('calls from the browser through the gate: a token, then the TwiML webhook dials or refuses', async () => {
    const t = tenant.accessToken;
    const minted = await api<{ token: string; identity: string; expires_in: number }>('/v1/calls/token', { method: 'POST', token: t });
    expect(minted).toMatchObject({ status: 200, body: { expires_in: 3600 } });
    expect((await api('/v1/calls/token', { method: 'POST' })).status).toBe(401);
    const id = await contact('+14155553030', zoneAtLocalHour(12));
    await api('/v1/consents', { token: t, body: { phone: '+14155553030', type: 'call', status: 'granted', source: 'web_form' } });
    type Connected = { twiml: string | null; dialed: { to: string } | null };
    const connected = await control<Connected>(standIn.url, 'POST', '/voice/connect', { token: minted.body.token, to: '+14155553030', params: { ContactId: id } });
    expect(connected.body.twiml).toContain('<Dial');
    expect(connected.body.dialed).toMatchObject({ to: '+14155553030' });
    const calls = (await api<{ data: Array<Call & { mode: string }> }>(`/v1/calls?contact_id=${id}`, { token: t })).body.data;
    expect(calls.map((c) => [c.mode, c.owner_id])).toEqual([['browser', tenant.userId]]);

    // The same number on the DNC list: the webhook answers a spoken refusal and nothing is dialled.
    expect((await api('/v1/dnc', { token: t, body: { phone: '+14155553030', reason: 'asked' } })).status).toBe(201);
    const refused = await control<Connected>(standIn.url, 'POST', '/voice/connect', { token: minted.body.token, to: '+14155553030', params: { ContactId: id } });
    expect(refused.body.twiml).toMatch(/<Say>[^<]*Do-Not-Call[^<]*<\/Say><Hangup\/>/);
    expect(refused.body.dialed).toBeNull();
    expect((await api<{ data: Call[] }>(`/v1/calls?contact_id=${id}`, { token: t })).body.data).toHaveLength(1);

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const params = { CallSid: 'CA' + '2'.repeat(32), From: `client:${minted.body.identity}`, To: '+14155553031', ContactId: id };
    const forged = twilioSignature('wrong-token', `${e2eStack.gatewayUrl()}/webhooks/twilio/voice`, params);
    expect((await api('/webhooks/twilio/voice', { rawBody: new URLSearchParams(params).toString(), headers: { ...form, 'x-twilio-signature': forged } })).status).toBe(403);
    const recording = twilioSignature('wrong-token', `${e2eStack.gatewayUrl()}/webhooks/twilio/recording`, params);
    expect((await api('/webhooks/twilio/recording', { rawBody: new URLSearchParams(params).toString(), headers: { ...form, 'x-twilio-signature': recording } })).status).toBe(403);
  });
  it('ends a call once, with one call.completed event, when Twilio duplicates or reorders its callbacks', async () => {
    const t = tenant.accessToken;
    const nc = await connect({ servers: e2eStack.natsUrl() });
    const seen = new Map<string, Array<{ id: string; type: string; payload: { previous_status?: string; call?: { status: string } } }>>();
    const sub = nc.subscribe('evt.telephony.call.>', {
      callback: (_err, msg) => {
        const event = JSON.parse(new TextDecoder().decode(msg.data));
        if (event.tenant_id !== tenant.tenantId) return;
        seen.set(event.aggregate_id, [...(seen.get(event.aggregate_id) ?? []), event]);
      },
    });
    const calls: Record<string, string> = {};
    for (const [phone, mode] of [['+14155553107', 'duplicate'], ['+14155553207', 'reverse']] as const) {
      expect((await control(standIn.url, 'PUT', '/delivery', { number: phone, mode })).status).toBe(200);
      const id = await contact(phone, zoneAtLocalHour(12));
      await api('/v1/consents', { token: t, body: { phone, type: 'call', status: 'granted', source: 'web_form' } });
      const created = await api<Call>('/v1/calls', { token: t, body: { contact_id: id, rep_phone: '+14155553000' } });
      expect(created.status).toBe(201);
      calls[mode] = created.body.id;
    }
    for (const id of Object.values(calls)) {
      let call = (await api<Call>(`/v1/calls/${id}`, { token: t })).body;
      for (let i = 0; i < 200 && call.status !== 'completed'; i++) {
        await sleep(50);
        call = (await api<Call>(`/v1/calls/${id}`, { token: t })).body;
      }
      expect(call.status).toBe('completed');
    }
    // Let every late callback arrive (the reversed ones are sent after the call ends) before counting.
    for (const to of ['+14155553107', '+14155553207']) {
      const leg = (await control<{ calls: Array<{ sid: string }> }>(standIn.url, 'GET', `/calls?to=${encodeURIComponent(to)}`)).body.calls.at(-1)!;
      await control(standIn.url, 'GET', `/calls/${leg.sid}/wait?status=final&timeoutMs=10000`);
    }
    await sleep(1000);
    sub.unsubscribe();
    await nc.close();
    for (const id of Object.values(calls)) {
      const events = [...new Map((seen.get(id) ?? []).map((e) => [e.id, e])).values()];
      expect(events.filter((e) => e.type === 'evt.telephony.call.completed')).toHaveLength(1);
      const rank = ['queued', 'initiated', 'ringing', 'in-progress', 'completed'];
      const steps = events.filter((e) => e.type === 'evt.telephony.call.updated').map((e) => [rank.indexOf(e.payload.previous_status!), rank.indexOf(e.payload.call!.status)]);
      expect(steps.every(([from, to]) => to > from)).toBe(true);
      expect(steps.at(-1)?.[1]).toBe(rank.indexOf('completed'));
    }
  });
});
