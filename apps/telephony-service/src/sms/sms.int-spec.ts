import { randomInt } from 'node:crypto';
import { control } from '@engage/providers/twilio/control';
import { createStandInTwilioClient, twilioSignature, type SentCallback, type TwilioStandIn } from '@engage/providers/twilio';
import type { SmsView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { domainError } from '@engage/testing/kit';
import type { TestCallbackGateway } from '../calls/test-callback-gateway';
import { SF_NOON, startStandInKit, type StandInKit } from '../test-support/stand-in-kit';
import type { TelephonyKit } from '../test-support/telephony-test-kit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A 415 number no other test or earlier run has used: the routing tables live in a database
 * shared by every run, and a text to the shared platform number belongs to every tenant that ever
 * texted its sender. (The last four digits script the stand-in: 0001–0007 are kept for outcomes.)
 */
const freshNumber = (lastFour?: string) => `+1415${randomInt(200, 1000)}${lastFour ?? String(randomInt(1000, 9000))}`;
/** A number to give the stand-in's account (ours to send from), likewise unused before. */
const freshPlatformNumber = () => `+1500${randomInt(200, 1000)}${randomInt(1000, 10_000)}`;

describe('SMS through the Twilio stand-in', () => {
  let env: StandInKit;
  let standIn: TwilioStandIn;
  let gateway: TestCallbackGateway;
  let kit: TelephonyKit;
  let shared: string;
  let twilioClient: ReturnType<typeof createStandInTwilioClient>;

  beforeAll(async () => {
    env = await startStandInKit();
    ({ standIn, gateway, kit } = env);
    shared = standIn.phoneNumbers[0];
    twilioClient = createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken);
  });
  afterAll(() => env.stop());
  beforeEach(() => kit.clock.set(SF_NOON));

  /** A tenant with a contact at `phone` (known to crm-service's stand-in too) who consented to texts. */
  async function contactAt(phone: string, ctx: TenantContext = kit.newTenant()) {
    const contact = kit.contacts.add(ctx, { primary_phone: phone });
    kit.phoneContacts.add(ctx, phone, { id: contact.id, first_name: 'Pat', last_name: null, owner_id: contact.owner_id });
    await kit.grant(ctx, phone, 'sms');
    return { ctx, contact };
  }

  /** The texts the stand-in was asked to send to `to` (what really went out), oldest first. */
  async function sentTo(to: string): Promise<Array<{ sid: string; body: string; from: string }>> {
    const messages = await twilioClient.messages.list({ to });
    return messages.reverse().map((m) => ({ sid: m.sid, body: m.body, from: m.from }));
  }

  const statusCallbacksOf = async (smsId: string) =>
    (await control<{ callbacks: SentCallback[] }>(standIn.url, 'GET', '/callbacks?kind=message-status')).body.callbacks.filter((c) => c.url.includes(smsId));

  /** Waits until the text is final and the stand-in has delivered all of its status callbacks. */
  async function untilSettled(ctx: TenantContext, id: string): Promise<SmsView> {
    for (let i = 0; i < 200; i++) {
      const text = (await kit.sms.list(ctx, {})).data.find((s) => s.id === id);
      const callbacks = await statusCallbacksOf(id);
      if (text && ['delivered', 'undelivered', 'failed'].includes(text.status) && callbacks.length >= 3 && callbacks.every((c) => c.responseStatus !== undefined)) return text;
      await sleep(25);
    }
    throw new Error(`the text ${id} never settled`);
  }

  /** Posts a callback the stand-in sent once more, exactly as it was (same URL, fields and signature). */
  const redeliver = (callback: SentCallback) =>
    fetch(callback.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': callback.signature },
      body: new URLSearchParams(callback.params).toString(),
    }).then((r) => r.status);

  /** A text arriving from `from` at our number `to`, posted signed by the stand-in to the inbound route. */
  async function inbound(from: string, body: string, to = shared): Promise<SentCallback> {
    const { status, body: reply } = await control<{ callback: SentCallback }>(standIn.url, 'POST', '/sms/inbound', { from, to, body, url: `${gateway.url}/webhooks/twilio/sms` });
    expect(status).toBe(201);
    return reply.callback;
  }

  const eventsOf = async (ctx: TenantContext, subject: string) => (await kit.events(ctx.tenantId)).filter((e) => e.subject === subject);
  const smsConsents = async (ctx: TenantContext, phone: string) => (await kit.compliance.listConsents(ctx, { phone, type: 'sms' })).data;

  it('sends a text that passed the gate, follows it to delivered and publishes sms.sent once', async () => {
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    const text = await kit.sms.send(ctx, { contact_id: contact.id, body: 'Hi Pat, free for a call at 10?' });
    expect(text).toMatchObject({ direction: 'outbound', contact_id: contact.id, owner_id: ctx.userId, to: phone, from: shared, body: 'Hi Pat, free for a call at 10?', error_code: null });
    expect(['queued', 'sent', 'delivered']).toContain(text.status);
    const done = await untilSettled(ctx, text.id);
    expect(done.status).toBe('delivered');
    expect(await sentTo(phone)).toEqual([expect.objectContaining({ body: 'Hi Pat, free for a call at 10?', from: shared })]);
    const sent = await eventsOf(ctx, 'evt.telephony.sms.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0].envelope).toMatchObject({ aggregate_id: text.id, payload: { sms: { id: text.id, to: phone, body: 'Hi Pat, free for a call at 10?' } } });
    // The attempt counts against the caps like a call.
    await kit.setCaps(ctx, { per_number_daily_cap: 1, tenant_daily_cap: 100 });
    expect(await domainError(kit.sms.send(ctx, { contact_id: contact.id, body: 'again' }))).toMatchObject({ status: 422, code: 'frequency_cap' });
  });

  it('sends nothing when the gate refuses: each rule, and call consent is not text consent', async () => {
    const ctx = kit.newTenant();
    const refusedWith = async (code: string, phone: string, extra: { timezone?: string } = {}) => {
      const contact = kit.contacts.add(ctx, { primary_phone: phone, ...extra });
      const error = await domainError(kit.sms.send(ctx, { contact_id: contact.id, body: 'hello' }));
      expect({ phone, status: error.status, code: error.code }).toEqual({ phone, status: 422, code });
      expect(await sentTo(phone)).toEqual([]);
      expect((await kit.sms.list(ctx, { contact_id: contact.id })).data).toEqual([]);
    };
    const callOnly = freshNumber();
    await kit.grant(ctx, callOnly, 'call');
    await refusedWith('no_consent', callOnly);

    const onDnc = freshNumber();
    await kit.grant(ctx, onDnc, 'sms');
    await kit.compliance.addDnc(ctx, { phone: onDnc, reason: 'asked' });
    await refusedWith('do_not_call', onDnc);

    await kit.grant(ctx, '+14155557001', 'sms'); // on the development national list
    await refusedWith('do_not_call', '+14155557001');

    const unscrubbed = kit.nationalDnc.uncoveredNumber();
    await kit.grant(ctx, unscrubbed, 'sms');
    await refusedWith('dnc_scrub_stale', unscrubbed);

    const asleep = freshNumber();
    await kit.grant(ctx, asleep, 'sms');
    await refusedWith('quiet_hours', asleep, { timezone: 'Asia/Tokyo' }); // 05:00 there

    const capped = freshNumber();
    await kit.grant(ctx, capped, 'sms');
    await kit.setCaps(ctx, { per_number_daily_cap: 0, tenant_daily_cap: 100 });
    await refusedWith('frequency_cap', capped);
    await kit.setCaps(ctx, { per_number_daily_cap: 3, tenant_daily_cap: 100 });

    const off = kit.newTenant();
    const phone = freshNumber();
    const { contact } = await contactAt(phone, off);
    kit.modules.switchOff(off.tenantId);
    expect(await domainError(kit.sms.send(off, { contact_id: contact.id, body: 'hello' }))).toMatchObject({ status: 422, code: 'module_not_enabled' });
    expect(await sentTo(phone)).toEqual([]);
    // Each refusal is audited.
    expect((await eventsOf(ctx, 'evt.telephony.compliance.refused')).map((e) => e.envelope.payload.channel)).toEqual(Array(6).fill('sms'));
  });

  it('applies delivery statuses forward only, under duplicated, reordered and parallel callbacks', async () => {
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    const text = await kit.sms.send(ctx, { contact_id: contact.id, body: 'status test' });
    const done = await untilSettled(ctx, text.id);
    expect(done.status).toBe('delivered');
    const callbacks = await statusCallbacksOf(text.id);
    expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['queued', 'sent', 'delivered']);
    // Everything again, last first, then twice more in parallel: nothing moves.
    for (const callback of [...callbacks].reverse()) expect(await redeliver(callback)).toBe(200);
    await Promise.all([...callbacks, ...callbacks].map(redeliver));
    expect((await kit.sms.list(ctx, { contact_id: contact.id })).data).toEqual([done]);

    // An undelivered text keeps its first final status and Twilio's error code.
    const unreachable = freshNumber('0001');
    const other = await contactAt(unreachable, ctx);
    const lost = await kit.sms.send(ctx, { contact_id: other.contact.id, body: 'will not arrive' });
    expect(await untilSettled(ctx, lost.id)).toMatchObject({ status: 'undelivered', error_code: '30003' });
    const [first] = await statusCallbacksOf(lost.id);
    const url = new URL(first.url);
    const path = `${url.pathname}${url.search}`;
    const params = { ...first.params, MessageStatus: 'delivered', SmsStatus: 'delivered' };
    const signature = twilioSignature(standIn.authToken, first.url, params);
    const results = await Promise.all(Array.from({ length: 10 }, () => kit.smsCallbacks.applyStatus({ url: path, params, signature })));
    expect(results.every((r) => r.outcome === 'ignored')).toBe(true);
    expect((await kit.sms.list(ctx, { contact_id: other.contact.id })).data[0]).toMatchObject({ status: 'undelivered', error_code: '30003' });
  });

  it('answers 403 to a forged or missing signature and changes nothing; garbage is a logged no-op', async () => {
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    const text = await kit.sms.send(ctx, { contact_id: contact.id, body: 'forgery test' });
    const before = await untilSettled(ctx, text.id);
    const path = `/webhooks/twilio/sms/status?tenant=${ctx.tenantId}&sms=${text.id}`;
    const params = { MessageSid: 'SM' + 'a'.repeat(32), MessageStatus: 'failed', ErrorCode: '30006' };
    const forged = twilioSignature('not-the-token', `${gateway.url}${path}`, params);
    expect((await domainError(kit.smsCallbacks.applyStatus({ url: path, params, signature: forged }))).status).toBe(403);
    expect((await domainError(kit.smsCallbacks.applyStatus({ url: path, params }))).status).toBe(403);
    const elsewhere = twilioSignature(standIn.authToken, `${gateway.url}${path.replace(text.id, contact.id)}`, params);
    expect((await domainError(kit.smsCallbacks.applyStatus({ url: path, params, signature: elsewhere }))).status).toBe(403);
    // A STOP with a forged signature revokes nothing.
    const stop = { MessageSid: 'SM' + 'b'.repeat(32), From: phone, To: shared, Body: 'STOP' };
    const forgedStop = twilioSignature('not-the-token', `${gateway.url}/webhooks/twilio/sms`, stop);
    expect((await domainError(kit.smsInbound.receive({ url: '/webhooks/twilio/sms', params: stop, signature: forgedStop }))).status).toBe(403);
    expect((await kit.sms.list(ctx, {})).data).toEqual([before]);
    expect((await smsConsents(ctx, phone)).map((c) => c.status)).toEqual(['granted']);

    // Signed but meaningless: ignored, never an error.
    const signed = (p: string, fields: Record<string, unknown>) => ({ url: p, params: fields as Record<string, string>, signature: twilioSignature(standIn.authToken, `${gateway.url}${p}`, fields as Record<string, string>) });
    const unknown = path.replace(text.id, '00000000-0000-4000-8000-000000000000');
    expect(await kit.smsCallbacks.applyStatus(signed(unknown, params))).toEqual({ outcome: 'ignored' });
    expect(await kit.smsCallbacks.applyStatus(signed(path, { MessageSid: 'nonsense', MessageStatus: 'delivered' }))).toEqual({ outcome: 'ignored' });
    expect(await kit.smsCallbacks.applyStatus(signed(path, { ...params, MessageStatus: 'teleported' }))).toEqual({ outcome: 'ignored' });
    expect(await kit.smsCallbacks.applyStatus(signed('/webhooks/twilio/sms/status?tenant=x&sms=y', params))).toEqual({ outcome: 'ignored' });
    expect(await kit.smsInbound.receive(signed('/webhooks/twilio/sms', { From: 'garbage', To: shared, Body: 'STOP', MessageSid: stop.MessageSid }))).toEqual({ outcome: 'ignored' });
    expect(await kit.smsInbound.receive(signed('/webhooks/twilio/sms', { From: phone, To: shared, Body: 'STOP' }))).toEqual({ outcome: 'ignored' });
    expect(await kit.smsInbound.receive(signed('/webhooks/twilio/sms', { ...stop, Body: 42 }))).toEqual({ outcome: 'applied' }); // a body that is no string is an empty text
    expect((await smsConsents(ctx, phone)).map((c) => c.status)).toEqual(['granted']);
  });

  it.each([' stop ', 'Stop', 'STOPALL', 'unsubscribe', 'Cancel', 'end', 'QUIT\n'])('revokes at once on %j and confirms once, even when Twilio delivers it twice', async (keyword) => {
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    await untilSettled(ctx, (await kit.sms.send(ctx, { contact_id: contact.id, body: 'Hello from Acme' })).id);
    const callback = await inbound(phone, keyword);
    expect(callback.responseStatus).toBe(200);
    const [revoked, granted] = await smsConsents(ctx, phone);
    expect(granted.status).toBe('granted');
    expect(revoked).toMatchObject({ status: 'revoked', source: 'sms_keyword', contact_id: contact.id, evidence: `${callback.params.MessageSid}: ${keyword}` });
    expect(await domainError(kit.sms.send(ctx, { contact_id: contact.id, body: 'one more?' }))).toMatchObject({ status: 422, code: 'no_consent' });
    // Twilio retries (sequentially and in parallel): nothing more is recorded, revoked or sent.
    expect(await redeliver(callback)).toBe(200);
    await Promise.all([redeliver(callback), redeliver(callback), redeliver(callback)]);
    expect(gateway.outcomes.filter((o) => o.params.MessageSid === callback.params.MessageSid).map((o) => o.outcome)).toEqual(['applied', 'ignored', 'ignored', 'ignored', 'ignored']);
    expect(await smsConsents(ctx, phone)).toHaveLength(2);
    const confirmations = (await sentTo(phone)).filter((m) => m.body.includes('unsubscribed'));
    expect(confirmations).toEqual([expect.objectContaining({ from: shared })]);
    const texts = (await kit.sms.list(ctx, { contact_id: contact.id })).data;
    expect(texts.map((t) => [t.direction, t.owner_id === null])).toEqual([
      ['outbound', true],
      ['inbound', false],
      ['outbound', false],
    ]);
    expect(texts[1]).toMatchObject({ status: 'received', from: phone, to: shared, body: keyword, contact_id: contact.id, owner_id: contact.owner_id });
    const received = await eventsOf(ctx, 'evt.telephony.sms.received');
    expect(received.map((e) => e.envelope.payload.keyword)).toEqual(['opt_out']);
  });

  it('restores consent on START (and UNSTOP), confirmed once each', async () => {
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    await untilSettled(ctx, (await kit.sms.send(ctx, { contact_id: contact.id, body: 'Hello' })).id);
    await inbound(phone, 'STOP');
    expect(await domainError(kit.sms.send(ctx, { contact_id: contact.id, body: 'blocked' }))).toMatchObject({ code: 'no_consent' });
    const start = await inbound(phone, 'start');
    expect(await redeliver(start)).toBe(200);
    expect((await smsConsents(ctx, phone)).map((c) => `${c.status}/${c.source}`)).toEqual(['granted/sms_keyword', 'revoked/sms_keyword', 'granted/test']);
    const again = await kit.sms.send(ctx, { contact_id: contact.id, body: 'Welcome back' });
    expect((await untilSettled(ctx, again.id)).status).toBe('delivered');
    await inbound(phone, 'STOP');
    await inbound(phone, ' Unstop ');
    expect((await smsConsents(ctx, phone))[0]).toMatchObject({ status: 'granted', source: 'sms_keyword' });
    const bodies = (await sentTo(phone)).map((m) => m.body);
    expect(bodies.filter((b) => b.includes('resubscribed'))).toHaveLength(2);
    expect(bodies.filter((b) => b.includes('unsubscribed'))).toHaveLength(2);
  });

  it('records an ordinary reply against the contact, once, with sms.received', async () => {
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    await untilSettled(ctx, (await kit.sms.send(ctx, { contact_id: contact.id, body: 'Are you free?' })).id);
    const reply = await inbound(phone, 'please stop texting me at work, call instead');
    await redeliver(reply);
    const texts = (await kit.sms.list(ctx, { contact_id: contact.id })).data;
    expect(texts.map((t) => t.direction)).toEqual(['inbound', 'outbound']);
    expect((await smsConsents(ctx, phone)).map((c) => c.status)).toEqual(['granted']);
    const [received, ...more] = await eventsOf(ctx, 'evt.telephony.sms.received');
    expect(more).toEqual([]);
    expect(received.envelope.payload).toEqual({ sms: texts[0], keyword: null });
    expect((await sentTo(phone)).map((m) => m.body)).toEqual(['Are you free?']);
  });

  it('a STOP to the shared number revokes for every tenant that texted the sender from it, with one confirmation', async () => {
    const phone = freshNumber();
    const a = await contactAt(phone);
    const b = await contactAt(phone);
    const bystander = await contactAt(phone); // has the number, never texted it
    for (const t of [a, b]) await untilSettled(t.ctx, (await kit.sms.send(t.ctx, { contact_id: t.contact.id, body: 'hi' })).id);
    await inbound(phone, 'STOP');
    for (const t of [a, b]) {
      expect((await smsConsents(t.ctx, phone))[0]).toMatchObject({ status: 'revoked', contact_id: t.contact.id });
      expect((await kit.sms.list(t.ctx, { contact_id: t.contact.id })).data.some((s) => s.direction === 'inbound')).toBe(true);
    }
    expect((await smsConsents(bystander.ctx, phone)).map((c) => c.status)).toEqual(['granted']);
    expect((await kit.sms.list(bystander.ctx, {})).data).toEqual([]);
    expect((await sentTo(phone)).filter((m) => m.body.includes('unsubscribed'))).toHaveLength(1);
  });

  it('treats a text from a sender nobody texted, or to a number no tenant has, as a logged no-op', async () => {
    const stranger = freshNumber();
    const callback = await inbound(stranger, 'STOP');
    expect(callback.responseStatus).toBe(200);
    expect(gateway.outcomes.find((o) => o.params.MessageSid === callback.params.MessageSid)).toMatchObject({ status: 200, outcome: 'ignored' });
    const unowned = freshPlatformNumber();
    expect((await control(standIn.url, 'POST', '/numbers', { phoneNumber: unowned })).status).toBe(201);
    const toUnowned = await inbound(freshNumber(), 'STOP', unowned);
    expect(gateway.outcomes.find((o) => o.params.MessageSid === toUnowned.params.MessageSid)).toMatchObject({ status: 200, outcome: 'ignored' });
    expect(await sentTo(stranger)).toEqual([]);
  });

  it('routes replies to a tenant’s own number to that tenant only, and keeps the number its own', async () => {
    const own = freshPlatformNumber();
    expect((await control(standIn.url, 'POST', '/numbers', { phoneNumber: own })).status).toBe(201);
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    const text = await kit.sms.send(ctx, { contact_id: contact.id, from: own, body: 'from our own line' });
    expect(text.from).toBe(own);
    await untilSettled(ctx, text.id);
    const other = await contactAt(phone);
    expect(await domainError(kit.sms.send(other.ctx, { contact_id: other.contact.id, from: own, body: 'mine now' }))).toMatchObject({
      status: 400,
      details: { fields: { from: [expect.any(String)] } },
    });
    // Someone the tenant never texted writes to its number: the text is the tenant's, matched to the contact crm-service knows.
    const newcomer = freshNumber();
    const known = kit.contacts.add(ctx, { primary_phone: newcomer });
    kit.phoneContacts.add(ctx, newcomer, { id: known.id, first_name: 'New', last_name: null, owner_id: ctx.userId });
    await inbound(newcomer, 'Saw your ad, call me', own);
    expect((await kit.sms.list(ctx, { contact_id: known.id })).data).toEqual([expect.objectContaining({ direction: 'inbound', to: own, from: newcomer })]);
    expect((await kit.sms.list(other.ctx, {})).data).toEqual([]);
    // A number Twilio does not let the account send from: the text is failed, with Twilio's code.
    const notOurs = freshPlatformNumber();
    expect(await domainError(kit.sms.send(ctx, { contact_id: contact.id, from: notOurs, body: 'nope' }))).toMatchObject({ status: 502, code: 'upstream_error' });
    expect((await kit.sms.list(ctx, { contact_id: contact.id })).data[0]).toMatchObject({ status: 'failed', error_code: '21606', from: notOurs });
  });

  it('answers 404 for another tenant’s contact and 400 for a contact without a phone', async () => {
    const { contact } = await contactAt(freshNumber());
    expect((await domainError(kit.sms.send(kit.newTenant(), { contact_id: contact.id, body: 'hi' }))).status).toBe(404);
    const ctx = kit.newTenant();
    const bare = kit.contacts.add(ctx);
    expect(await domainError(kit.sms.send(ctx, { contact_id: bare.id, body: 'hi' }))).toMatchObject({ status: 400, details: { fields: { to: [expect.any(String)] } } });
  });

  it('lists a tenant’s texts newest first, by contact, with a cursor, and never another tenant’s', async () => {
    const phone = freshNumber();
    const { ctx, contact } = await contactAt(phone);
    const second = await contactAt(freshNumber(), ctx);
    const ids: string[] = [];
    for (const c of [contact, second.contact, contact]) ids.push((await kit.sms.send(ctx, { contact_id: c.id, body: `text ${ids.length}` })).id);
    const first = await kit.sms.list(ctx, { limit: 2 });
    expect(first.data.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    expect(first.page.has_more).toBe(true);
    const rest = await kit.sms.list(ctx, { limit: 2, cursor: first.page.next_cursor! });
    expect(rest.data.map((s) => s.id)).toEqual([ids[0]]);
    expect((await kit.sms.list(ctx, { contact_id: contact.id })).data.map((s) => s.id)).toEqual([ids[2], ids[0]]);
    expect((await kit.sms.list(kit.newTenant(), {})).data).toEqual([]);
    expect((await kit.sms.list(kit.newTenant(), { contact_id: contact.id })).data).toEqual([]);
    expect((await domainError(kit.sms.list(ctx, { cursor: 'garbage' }))).status).toBe(400);
    for (const id of ids) await untilSettled(ctx, id);
  });
});
