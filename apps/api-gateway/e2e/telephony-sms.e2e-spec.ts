import { randomInt, randomUUID } from 'node:crypto';
import { api, e2eStack, newTenant, type TenantSession, zoneAtLocalHour } from '@engage/testing';
import { createStandInTwilioClient, twilioSignature, type SentCallback } from '@engage/providers/twilio';
import { control } from '@engage/providers/twilio/control';

/** Texts through the gateway with the stack's Twilio stand-in: sending, delivery, STOP and START, webhooks. */
jest.setTimeout(120_000);

type Sms = { id: string; status: string; direction: string; to: string; from: string; body: string; contact_id: string | null; owner_id: string | null };
type Page<T> = { data: T[]; page: { next_cursor: string | null; has_more: boolean } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** A 415 number of its own for each test (the development national list covers 415 and leaves these clear). */
const freshNumber = () => `+1415${randomInt(200, 1000)}${randomInt(1000, 9000)}`;

describe('SMS through the gateway', () => {
  let standIn: { url: string; authToken: string; accountSid: string; phoneNumber: string };
  let tenant: TenantSession;
  let other: TenantSession;
  let twilio: ReturnType<typeof createStandInTwilioClient>;

  beforeAll(async () => {
    const described = e2eStack.provider('twilio');
    standIn = { url: String(described.url), authToken: String(described.authToken), accountSid: String(described.accountSid), phoneNumber: String(described.phoneNumber) };
    twilio = createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken);
    [tenant, other] = await Promise.all([newTenant('Texter'), newTenant('TexterOther')]);
  });

  /** A contact of `session` at `phone` who consented to texts. */
  async function textableContact(phone: string, session = tenant): Promise<string> {
    const created = await api<{ id: string }>('/v1/contacts', {
      token: session.accessToken,
      body: { first_name: 'Pat', phones: [{ number: phone, is_primary: true }], timezone: zoneAtLocalHour(12) },
    });
    expect(created.status).toBe(201);
    const consent = await api('/v1/consents', { token: session.accessToken, body: { phone, type: 'sms', status: 'granted', source: 'web_form' } });
    expect(consent.status).toBe(201);
    return created.body.id;
  }

  async function untilStatus(id: string, contactId: string, wanted: string, session = tenant): Promise<Sms> {
    let found: Sms | undefined;
    for (let i = 0; i < 200; i++) {
      found = (await api<Page<Sms>>(`/v1/sms?contact_id=${contactId}`, { token: session.accessToken })).body.data.find((s) => s.id === id);
      if (found?.status === wanted) return found;
      await sleep(50);
    }
    throw new Error(`text ${id} is ${found?.status}, never ${wanted}`);
  }

  /** What the stand-in really sent to `to` (bodies, oldest first). */
  const sentTo = async (to: string) => (await twilio.messages.list({ to })).reverse().map((m) => m.body);

  /** A text from `from` arriving at the platform number, which the stand-in posts signed to the gateway. */
  async function inbound(from: string, body: string): Promise<SentCallback> {
    const res = await control<{ callback: SentCallback }>(standIn.url, 'POST', '/sms/inbound', { from, to: standIn.phoneNumber, body });
    expect(res.status).toBe(201);
    return res.body.callback;
  }

  /** The same callback once more, exactly as Twilio retries it. */
  const redeliver = async (callback: SentCallback) =>
    (await fetch(callback.url, { method: 'POST', headers: { ...form, 'x-twilio-signature': callback.signature }, body: new URLSearchParams(callback.params).toString() })).status;

  const smsConsents = async (phone: string) =>
    (await api<Page<{ status: string; source: string }>>(`/v1/consents?phone=${encodeURIComponent(phone)}&type=sms`, { token: tenant.accessToken })).body.data;

  it('sends a text that ends delivered, once for one Idempotency-Key, with every status callback verified at the gateway', async () => {
    const phone = freshNumber();
    const contactId = await textableContact(phone);
    const key = randomUUID();
    const request = { token: tenant.accessToken, headers: { 'idempotency-key': key }, body: { contact_id: contactId, body: 'Hi Pat, call at 10?' } };
    const created = await api<Sms>('/v1/sms', request);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ direction: 'outbound', to: phone, from: standIn.phoneNumber, contact_id: contactId, owner_id: tenant.userId, body: 'Hi Pat, call at 10?' });
    const replayed = await api<Sms>('/v1/sms', request);
    expect(replayed.status).toBe(201);
    expect(replayed.body.id).toBe(created.body.id);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');

    await untilStatus(created.body.id, contactId, 'delivered');
    expect(await sentTo(phone)).toEqual(['Hi Pat, call at 10?']);
    const { body } = await control<{ callbacks: SentCallback[] }>(standIn.url, 'GET', '/callbacks?kind=message-status');
    const ours = body.callbacks.filter((c) => c.url.includes(created.body.id));
    expect(ours.map((c) => c.params.MessageStatus)).toEqual(['queued', 'sent', 'delivered']);
    expect(ours.every((c) => c.responseStatus === 204)).toBe(true);
    // Delivered twice more, last first: still delivered.
    for (const callback of [...ours].reverse()) expect(await redeliver(callback)).toBe(204);
    expect((await untilStatus(created.body.id, contactId, 'delivered')).status).toBe('delivered');

    expect((await api<Page<Sms>>('/v1/sms', { token: other.accessToken })).body.data).toEqual([]);
    expect((await api<Page<Sms>>(`/v1/sms?contact_id=${contactId}`, { token: other.accessToken })).body.data).toEqual([]);
    expect((await api('/v1/sms', { token: other.accessToken, body: { contact_id: contactId, body: 'hi' } })).status).toBe(404);
  });

  it('revokes on STOP at once and confirms once; START restores', async () => {
    const phone = freshNumber();
    const contactId = await textableContact(phone);
    const first = await api<Sms>('/v1/sms', { token: tenant.accessToken, body: { contact_id: contactId, body: 'Our spring offer' } });
    await untilStatus(first.body.id, contactId, 'delivered');

    const stop = await inbound(phone, ' Stop ');
    expect(stop.responseStatus).toBe(204);
    expect((await smsConsents(phone))[0]).toMatchObject({ status: 'revoked', source: 'sms_keyword' });
    const refused = await api('/v1/sms', { token: tenant.accessToken, body: { contact_id: contactId, body: 'Last chance!' } });
    expect(refused).toMatchObject({ status: 422, body: { error: 'no_consent' } });
    // Twilio delivers the STOP again: nothing more is recorded or sent.
    expect(await redeliver(stop)).toBe(204);
    const afterStop = await sentTo(phone);
    expect(afterStop.filter((b) => b.includes('unsubscribed'))).toHaveLength(1);
    expect(afterStop).not.toContain('Last chance!');
    const listed = (await api<Page<Sms>>(`/v1/sms?contact_id=${contactId}`, { token: tenant.accessToken })).body.data;
    expect(listed.filter((s) => s.direction === 'inbound')).toEqual([expect.objectContaining({ status: 'received', from: phone, to: standIn.phoneNumber, body: ' Stop ' })]);

    const start = await inbound(phone, 'START');
    expect(start.responseStatus).toBe(204);
    expect((await smsConsents(phone))[0]).toMatchObject({ status: 'granted', source: 'sms_keyword' });
    const again = await api<Sms>('/v1/sms', { token: tenant.accessToken, body: { contact_id: contactId, body: 'Welcome back' } });
    expect(again.status).toBe(201);
    await untilStatus(again.body.id, contactId, 'delivered');
    expect((await sentTo(phone)).filter((b) => b.includes('resubscribed'))).toHaveLength(1);
  });

  it('answers 403 to forged or missing signatures, 415 to JSON, and 204 to a text nobody is waiting for', async () => {
    const statusPath = `/webhooks/twilio/sms/status?tenant=${tenant.tenantId}&sms=00000000-0000-4000-8000-000000000000`;
    const status = { MessageSid: 'SM' + '1'.repeat(32), MessageStatus: 'delivered' };
    const stop = { MessageSid: 'SM' + '2'.repeat(32), From: freshNumber(), To: standIn.phoneNumber, Body: 'STOP' };
    for (const [path, params] of [
      [statusPath, status],
      ['/webhooks/twilio/sms', stop],
    ] as const) {
      const rawBody = new URLSearchParams(params).toString();
      const forged = twilioSignature('wrong-token', `${e2eStack.gatewayUrl()}${path}`, params);
      expect((await api(path, { rawBody, headers: { ...form, 'x-twilio-signature': forged } })).status).toBe(403);
      expect((await api(path, { rawBody, headers: form })).status).toBe(403);
      expect((await api(path, { body: params })).status).toBe(415);
      const signed = twilioSignature(standIn.authToken, `${e2eStack.gatewayUrl()}${path}`, params);
      expect((await api(path, { rawBody, headers: { ...form, 'x-twilio-signature': signed } })).status).toBe(204);
    }
    // Signed garbage is a logged no-op, never a 500.
    const garbage = { MessageSid: 'x', From: 'not a number', Body: '\u0000' };
    const signedGarbage = twilioSignature(standIn.authToken, `${e2eStack.gatewayUrl()}/webhooks/twilio/sms`, garbage);
    expect((await api('/webhooks/twilio/sms', { rawBody: new URLSearchParams(garbage).toString(), headers: { ...form, 'x-twilio-signature': signedGarbage } })).status).toBe(204);
    // A STOP from a number no tenant has texted.
    const stranger = freshNumber();
    expect((await inbound(stranger, 'STOP')).responseStatus).toBe(204);
    expect(await sentTo(stranger)).toEqual([]);
  });

  it('validates input (400), needs a signed-in caller (401) and hides other tenants’ contacts (404)', async () => {
    const t = tenant.accessToken;
    const contactId = await textableContact(freshNumber());
    const bad = [
      {},
      { contact_id: contactId },
      { contact_id: contactId, body: '' },
      { contact_id: contactId, body: '   ' },
      { contact_id: contactId, body: 'x'.repeat(1601) },
      { contact_id: 'not-a-uuid', body: 'hi' },
      { contact_id: contactId, body: 'hi', to: '4155550100' },
      { contact_id: contactId, body: 'hi', from: 'me' },
      { contact_id: contactId, body: 'hi', media_url: 'https://example.com/a.png' },
    ];
    for (const body of bad) expect({ body, status: (await api('/v1/sms', { token: t, body })).status }).toEqual({ body, status: 400 });
    const noPhone = await api<{ id: string }>('/v1/contacts', { token: t, body: { first_name: 'Nophone' } });
    expect(await api('/v1/sms', { token: t, body: { contact_id: noPhone.body.id, body: 'hi' } })).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect((await api('/v1/sms?contact_id=nope', { token: t })).status).toBe(400);
    expect((await api('/v1/sms?limit=0', { token: t })).status).toBe(400);
    expect((await api('/v1/sms?cursor=garbage', { token: t })).status).toBe(400);
    expect((await api('/v1/sms', { body: { contact_id: contactId, body: 'hi' } })).status).toBe(401);
    expect((await api('/v1/sms')).status).toBe(401);
    expect((await api('/v1/sms', { token: other.accessToken, body: { contact_id: contactId, body: 'hi' } })).status).toBe(404);
    expect((await api('/v1/sms', { token: t, body: { contact_id: randomUUID(), body: 'hi' } })).status).toBe(404);
  });
});
