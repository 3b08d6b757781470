import { control } from '@engage/providers/twilio/control';
import { twilioSignature, type TwilioStandIn } from '@engage/providers/twilio';
import type { CallView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { domainError } from '@engage/testing/kit';
import { REP_PHONE as REP, settledLeg, SF_NOON, type StandInCall, startStandInKit, type StandInKit, untilFinal as callEnded } from '../test-support/stand-in-kit';
import type { TelephonyKit } from '../test-support/telephony-test-kit';
import type { TestCallbackGateway } from './test-callback-gateway';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bridged calls through the Twilio stand-in', () => {
  let env: StandInKit;
  let standIn: TwilioStandIn;
  let gateway: TestCallbackGateway;
  let kit: TelephonyKit;

  beforeAll(async () => {
    env = await startStandInKit();
    ({ standIn, gateway, kit } = env);
  });
  afterAll(() => env.stop());
  beforeEach(() => kit.clock.set(SF_NOON));

  /** A tenant with a contact at `phone` who consented to calls. */
  async function contactAt(phone: string, ctx: TenantContext = kit.newTenant()) {
    const contact = kit.contacts.add(ctx, { primary_phone: phone });
    await kit.grant(ctx, phone);
    return { ctx, contact };
  }

  const untilFinal = (ctx: TenantContext, id: string): Promise<CallView> => callEnded(kit, ctx, id);
  /** Waits until the stand-in delivered every callback of the contact leg of calls to `to`. */
  const legSettled = (to: string): Promise<StandInCall> => settledLeg(standIn.url, to);

  const eventsOf = async (ctx: TenantContext, callId: string) =>
    (await kit.events(ctx.tenantId)).filter((e) => e.envelope.aggregate_id === callId);
  const transitions = async (ctx: TenantContext, callId: string) =>
    (await eventsOf(ctx, callId)).filter((e) => e.subject === 'evt.telephony.call.updated').map((e) => `${e.envelope.payload.previous_status}>${(e.envelope.payload.call as CallView).status}`);
  const completions = async (ctx: TenantContext, callId: string) => (await eventsOf(ctx, callId)).filter((e) => e.subject === 'evt.telephony.call.completed');

  it('rings the rep, then the contact, and follows the call to completed with one completion event', async () => {
    const { ctx, contact } = await contactAt('+14155559007');
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    expect(call).toMatchObject({ contact_id: contact.id, to: '+14155559007', from: standIn.phoneNumbers[0], rep_phone: REP, direction: 'outbound', owner_id: ctx.userId });
    const done = await untilFinal(ctx, call.id);
    await legSettled('+14155559007');
    expect(done).toMatchObject({ status: 'completed', duration_s: 7 });
    expect(done.answered_at).not.toBeNull();
    expect(await transitions(ctx, call.id)).toEqual(['queued>initiated', 'initiated>ringing', 'ringing>in-progress', 'in-progress>completed']);
    const [completed, ...more] = await completions(ctx, call.id);
    expect(more).toEqual([]);
    expect(completed.envelope.payload).toMatchObject({ call_id: call.id, outcome: 'completed', duration_s: 7, owner_id: ctx.userId });
    // The contact's leg is a child of the rep's: the rep's phone rang first and bridged to the contact.
    const leg = await legSettled('+14155559007');
    const parent = gateway.outcomes.find((o) => o.params.To === REP && o.params.Direction === 'outbound-api');
    expect(gateway.outcomes.find((o) => o.params.CallSid === leg.sid)?.params.ParentCallSid).toBe(parent?.params.CallSid);
  });

  it('ends busy when the contact is busy', async () => {
    const { ctx, contact } = await contactAt('+14155550001');
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    expect(await untilFinal(ctx, call.id)).toMatchObject({ status: 'busy' });
    await legSettled('+14155550001');
    expect((await completions(ctx, call.id)).map((e) => e.envelope.payload.outcome)).toEqual(['busy']);
  });

  it('applies duplicated callbacks once', async () => {
    const phone = '+14155551107';
    await control(standIn.url, 'PUT', '/delivery', { number: phone, mode: 'duplicate' });
    const { ctx, contact } = await contactAt(phone);
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    await untilFinal(ctx, call.id);
    const leg = await legSettled(phone);
    const ofLeg = gateway.outcomes.filter((o) => o.params.CallSid === leg.sid);
    expect(ofLeg.filter((o) => o.outcome === 'ignored').length).toBeGreaterThanOrEqual(4);
    expect(await transitions(ctx, call.id)).toEqual(['queued>initiated', 'initiated>ringing', 'ringing>in-progress', 'in-progress>completed']);
    expect(await completions(ctx, call.id)).toHaveLength(1);
  });

  it('never moves a call backwards when its callbacks arrive last-first', async () => {
    const phone = '+14155551207';
    await control(standIn.url, 'PUT', '/delivery', { number: phone, mode: 'reverse' });
    const { ctx, contact } = await contactAt(phone);
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    await legSettled(phone);
    const done = await untilFinal(ctx, call.id);
    expect(done.status).toBe('completed');
    const steps = await transitions(ctx, call.id);
    expect(steps[steps.length - 1]).toBe('initiated>completed');
    expect(await completions(ctx, call.id)).toHaveLength(1);
    // Replaying everything again, in either order, changes nothing.
    const before = await kit.calls.get(ctx, call.id);
    const leg = await legSettled(phone);
    await Promise.all([
      control(standIn.url, 'POST', `/calls/${leg.sid}/replay`, { order: 'same' }),
      control(standIn.url, 'POST', `/calls/${leg.sid}/replay`, { order: 'reverse' }),
    ]);
    expect(await kit.calls.get(ctx, call.id)).toEqual(before);
    expect(await completions(ctx, call.id)).toHaveLength(1);
  });

  it('applies ten parallel deliveries of the same signed callback exactly once', async () => {
    const { ctx, contact } = await contactAt('+14155550005'); // held in progress until hung up
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    const url = `/webhooks/twilio/voice/status?tenant=${ctx.tenantId}&call=${call.id}&leg=contact`;
    const params = { CallSid: 'CA' + 'f'.repeat(32), CallStatus: 'no-answer', SequenceNumber: '7', CallDuration: '0' };
    const signature = twilioSignature(standIn.authToken, `${gateway.url}${url}`, params);
    const results = await Promise.all(Array.from({ length: 10 }, () => kit.voiceCallbacks.applyStatus({ url, params, signature })));
    expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(1);
    expect((await kit.calls.get(ctx, call.id)).status).toBe('no-answer');
    expect(await completions(ctx, call.id)).toHaveLength(1);
    await kit.calls.hangup(ctx, call.id).catch(() => undefined);
  });

  it('answers 403 to a forged or missing signature and changes nothing', async () => {
    const { ctx, contact } = await contactAt('+14155550006'); // held ringing
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    const url = `/webhooks/twilio/voice/status?tenant=${ctx.tenantId}&call=${call.id}&leg=contact`;
    const params = { CallSid: 'CA' + 'e'.repeat(32), CallStatus: 'completed', SequenceNumber: '3' };
    const forged = twilioSignature('not-the-token', `${gateway.url}${url}`, params);
    expect((await domainError(kit.voiceCallbacks.applyStatus({ url, params, signature: forged }))).status).toBe(403);
    expect((await domainError(kit.voiceCallbacks.applyStatus({ url, params }))).status).toBe(403);
    // A valid signature for another call's URL does not carry over to this one.
    const signedElsewhere = twilioSignature(standIn.authToken, `${gateway.url}${url.replace(call.id, contact.id)}`, params);
    expect((await domainError(kit.voiceCallbacks.applyStatus({ url, params, signature: signedElsewhere }))).status).toBe(403);
    expect((await kit.calls.get(ctx, call.id)).status).not.toBe('completed');
    // A signed callback for a call that does not exist is a logged no-op.
    const unknown = url.replace(call.id, '00000000-0000-4000-8000-000000000000');
    expect(await kit.voiceCallbacks.applyStatus({ url: unknown, params, signature: twilioSignature(standIn.authToken, `${gateway.url}${unknown}`, params) })).toEqual({ outcome: 'ignored' });
    await kit.calls.hangup(ctx, call.id);
  });

  it('hangs up through Twilio; only the owner, a manager or an admin may, and another tenant gets 404', async () => {
    const admin = kit.newTenant();
    const rep = kit.as(admin, 'rep');
    const otherRep = kit.as(admin, 'rep');
    const { contact } = await contactAt('+14155550005', admin);
    const call = await kit.calls.create(rep, { contact_id: contact.id, rep_phone: REP });
    for (let i = 0; i < 100 && (await kit.calls.get(rep, call.id)).status !== 'in-progress'; i++) await sleep(25);
    expect((await domainError(kit.calls.hangup(otherRep, call.id))).status).toBe(403);
    expect((await domainError(kit.calls.hangup(kit.newTenant(), call.id))).status).toBe(404);
    expect((await domainError(kit.calls.get(kit.newTenant(), call.id))).status).toBe(404);
    await kit.calls.hangup(rep, call.id);
    expect(await untilFinal(rep, call.id)).toMatchObject({ status: 'completed' });
    expect((await domainError(kit.calls.hangup(rep, call.id))).status).toBe(409);
  });

  it('dials nothing when the gate refuses, and a do_not_call disposition blocks the next call', async () => {
    const { ctx, contact } = await contactAt('+14155552007');
    const noConsent = kit.contacts.add(ctx, { primary_phone: '+14155552008' });
    expect(await domainError(kit.calls.create(ctx, { contact_id: noConsent.id, rep_phone: REP }))).toMatchObject({ status: 422, code: 'no_consent' });
    const { body } = await control<{ calls: StandInCall[] }>(standIn.url, 'GET', `/calls?to=${encodeURIComponent('+14155552008')}`);
    expect(body.calls).toEqual([]);
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    await untilFinal(ctx, call.id);
    const updated = await kit.calls.update(ctx, { id: call.id, disposition: 'do_not_call', notes: 'asked not to be called' });
    expect(updated).toMatchObject({ disposition: 'do_not_call', notes: 'asked not to be called' });
    expect((await kit.compliance.listDnc(ctx, {})).data.map((d) => d.phone)).toEqual(['+14155552007']);
    expect(await domainError(kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP }))).toMatchObject({ code: 'do_not_call' });
    expect((await domainError(kit.calls.update(kit.newTenant(), { id: call.id, notes: 'x' }))).status).toBe(404);
    expect((await domainError(kit.calls.update(kit.as(ctx, 'rep'), { id: call.id, notes: 'x' }))).status).toBe(403);
  });

  it('answers 404 for another tenant’s contact and 400 for a contact without a phone', async () => {
    const { contact } = await contactAt('+14155552107');
    expect((await domainError(kit.calls.create(kit.newTenant(), { contact_id: contact.id, rep_phone: REP }))).status).toBe(404);
    const ctx = kit.newTenant();
    const bare = kit.contacts.add(ctx);
    expect((await domainError(kit.calls.create(ctx, { contact_id: bare.id, rep_phone: REP }))).status).toBe(400);
  });

  it('marks the call failed and answers 502 when Twilio refuses it', async () => {
    const { ctx, contact } = await contactAt('+14155552207');
    const refused = await domainError(kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP, from: '+14155550999' }));
    expect(refused).toMatchObject({ status: 502, code: 'upstream_error' });
    const page = await kit.calls.list(ctx, { contact_id: contact.id });
    expect(page.data.map((c) => c.status)).toEqual(['failed']);
    expect((await completions(ctx, page.data[0].id)).map((e) => e.envelope.payload.outcome)).toEqual(['failed']);
  });

  it('lists a tenant’s calls newest first, by contact and status, with a cursor', async () => {
    const { ctx, contact } = await contactAt('+14155552307');
    await kit.setCaps(ctx, { per_number_daily_cap: 10, tenant_daily_cap: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP })).id);
    for (const id of ids) await untilFinal(ctx, id);
    const first = await kit.calls.list(ctx, { limit: 2 });
    expect(first.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await kit.calls.list(ctx, { limit: 2, cursor: first.page.next_cursor! });
    expect(second.data.map((c) => c.id)).toEqual([ids[0]]);
    expect((await kit.calls.list(ctx, { status: 'busy' })).data).toEqual([]);
    expect((await kit.calls.list(kit.newTenant(), {})).data).toEqual([]);
  });
});
