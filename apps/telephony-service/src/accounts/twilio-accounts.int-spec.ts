import { randomBytes, randomInt } from 'node:crypto';
import { SecretBox } from '@engage/config';
import { control } from '@engage/providers/twilio/control';
import { createStandInTwilioClient, twilioSignature, type TwilioStandIn } from '@engage/providers/twilio';
import type { CallView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { domainError } from '@engage/testing/kit';
import { REP_PHONE as REP, settledLeg as legOf, SF_NOON, type StandInCall, startStandInKit, type StandInKit, untilFinal as callEnded } from '../test-support/stand-in-kit';
import { KIT_ENCRYPTION_KEY, type TelephonyKit } from '../test-support/telephony-test-kit';
import type { TestCallbackGateway } from '../calls/test-callback-gateway';
import { twilioTokenScope } from './twilio-accounts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-tenant Twilio accounts through the stand-in', () => {
  let env: StandInKit;
  let standIn: TwilioStandIn;
  let gateway: TestCallbackGateway;
  let kit: TelephonyKit;

  beforeAll(async () => {
    // Platform-only settings: no API key (browser calls are not what this spec is about).
    env = await startStandInKit({ TWILIO_API_KEY_SID: undefined, TWILIO_API_KEY_SECRET: undefined });
    ({ standIn, gateway, kit } = env);
  });
  afterAll(() => env.stop());
  beforeEach(() => kit.clock.set(SF_NOON));

  /**
   * A number of the stand-in's, given to `accountSid` (as buying one would). Random: texts claim their
   * sending number for the tenant in the (shared, kept) test database.
   */
  async function numberFor(accountSid: string): Promise<string> {
    const phoneNumber = `+1332${2 + randomInt(8)}${String(randomInt(1_000_000)).padStart(6, '0')}`;
    expect((await control(standIn.url, 'POST', '/numbers', { phoneNumber, accountSid })).status).toBe(201);
    return phoneNumber;
  }

  async function contactAt(ctx: TenantContext, phone: string, type: 'call' | 'sms' = 'call') {
    const contact = kit.contacts.add(ctx, { primary_phone: phone });
    await kit.grant(ctx, phone, type);
    return contact;
  }

  const untilFinal = (ctx: TenantContext, id: string): Promise<CallView> => callEnded(kit, ctx, id);
  /** The contact's leg of the newest call to `to`, once the stand-in delivered all its callbacks. */
  const settledLeg = (to: string): Promise<StandInCall> => legOf(standIn.url, to);

  const statusUrl = (ctx: TenantContext, callId: string) => `/webhooks/twilio/voice/status?tenant=${ctx.tenantId}&call=${callId}&leg=contact`;
  const sealedOf = async (ctx: TenantContext) =>
    (await kit.db.transaction(ctx.tenantId, (tx) => tx.query<{ auth_token_sealed: string }>(`SELECT auth_token_sealed FROM telephony.twilio_accounts WHERE tenant_id = $1`, [ctx.tenantId])))[0]
      ?.auth_token_sealed;

  it('places a tenant’s call under the subaccount created for it, applies the callbacks signed with its token and refuses the platform’s', async () => {
    const ctx = kit.newTenant();
    const created = await kit.twilioAccountsService.createSubaccount(ctx, { friendly_name: 'Acme sales' });
    expect(created).toMatchObject({ source: 'tenant', friendly_name: 'Acme sales' });
    expect(created.account_sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(created.account_sid).not.toBe(standIn.accountSid);
    expect(created).not.toHaveProperty('auth_token');
    expect(await kit.twilioAccountsService.get(ctx)).toEqual(created);
    const own = await kit.twilioAccounts.own(ctx.tenantId);
    expect(own?.sid).toBe(created.account_sid);

    const from = await numberFor(created.account_sid!);
    const phone = '+14155556507';
    const contact = await contactAt(ctx, phone);
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP, from });
    expect(await untilFinal(ctx, call.id)).toMatchObject({ status: 'completed' });
    const leg = await settledLeg(phone);
    expect(leg.account_sid).toBe(created.account_sid);
    const ofLeg = gateway.outcomes.filter((o) => o.params.CallSid === leg.sid);
    expect(ofLeg.length).toBeGreaterThanOrEqual(4);
    expect(ofLeg.every((o) => o.status === 200)).toBe(true);
    expect(ofLeg.some((o) => o.outcome === 'applied')).toBe(true);

    // The same call's callback signed with the platform token (not the account that owns the call): 403, nothing changes.
    const url = statusUrl(ctx, call.id);
    const params = { CallSid: leg.sid, CallStatus: 'ringing', SequenceNumber: '99' };
    const byPlatform = twilioSignature(standIn.authToken, `${gateway.url}${url}`, params);
    expect((await domainError(kit.voiceCallbacks.applyStatus({ url, params, signature: byPlatform }))).status).toBe(403);
    // Signed with the subaccount's token it verifies (and, being late, changes nothing).
    const bySub = twilioSignature(own!.authToken, `${gateway.url}${url}`, params);
    expect(await kit.voiceCallbacks.applyStatus({ url, params, signature: bySub })).toEqual({ outcome: 'ignored' });
    // A tenant id swapped in the URL breaks the signature, whatever the token.
    const other = kit.newTenant();
    const forgedUrl = url.replace(ctx.tenantId, other.tenantId);
    expect((await domainError(kit.voiceCallbacks.applyStatus({ url: forgedUrl, params, signature: bySub }))).status).toBe(403);
    expect((await domainError(kit.voiceCallbacks.applyStatus({ url: forgedUrl, params, signature: byPlatform }))).status).toBe(403);
    expect((await kit.calls.get(ctx, call.id)).status).toBe('completed');

    // Hang-up goes through the same account (a held call: answered and kept in progress).
    const held = '+14155560005'; // …0005: answered and held in progress until hung up (tools/providers/twilio/scenarios.ts)
    const heldContact = await contactAt(ctx, held);
    const ringing = await kit.calls.create(ctx, { contact_id: heldContact.id, rep_phone: REP, from });
    for (let i = 0; i < 200 && (await kit.calls.get(ctx, ringing.id)).status !== 'in-progress'; i++) await sleep(25);
    await kit.calls.hangup(ctx, ringing.id);
    expect(await untilFinal(ctx, ringing.id)).toMatchObject({ status: 'completed' });
  });

  it('sends a tenant’s texts from its own number through its account and applies their status callbacks', async () => {
    const ctx = kit.newTenant();
    const created = await kit.twilioAccountsService.createSubaccount(ctx, {});
    expect(created.friendly_name).toBe(`Engage tenant ${ctx.tenantId}`);
    const from = await numberFor(created.account_sid!);
    const phone = '+14155556607';
    const contact = await contactAt(ctx, phone, 'sms');
    const text = await kit.sms.send(ctx, { contact_id: contact.id, from, body: 'Hello from our own account' });
    let status = text.status;
    for (let i = 0; i < 200 && status !== 'delivered'; i++) {
      await sleep(25);
      status = (await kit.smsRepository.findById(ctx.tenantId, text.id))!.status;
    }
    expect(status).toBe('delivered');
    const { body } = await control<{ callbacks: Array<{ url: string; params: Record<string, string> }> }>(standIn.url, 'GET', '/callbacks?kind=message-status');
    const ours = body.callbacks.filter((c) => c.url.includes(text.id));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((c) => c.params.AccountSid === created.account_sid)).toBe(true);

    // An inbound text to the tenant's own number is signed with its account's token: accepted; another account's token: 403.
    const own = await kit.twilioAccounts.own(ctx.tenantId);
    const url = '/webhooks/twilio/sms';
    const params = { MessageSid: `SM${randomBytes(16).toString('hex')}`, From: phone, To: from, Body: 'Thanks', AccountSid: created.account_sid! };
    expect(await kit.smsInbound.receive({ url, params, signature: twilioSignature(own!.authToken, `${gateway.url}${url}`, params) })).toEqual({ outcome: 'applied' });
    const stranger = await createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken).api.v2010.accounts.create({ friendlyName: 'Stranger' });
    const other = { ...params, MessageSid: `SM${randomBytes(16).toString('hex')}` };
    expect((await domainError(kit.smsInbound.receive({ url, params: other, signature: twilioSignature(stranger.authToken, `${gateway.url}${url}`, other) }))).status).toBe(403);
  });

  it('connects an existing account only when Twilio accepts its credentials, and keeps the token sealed for that tenant only', async () => {
    const ctx = kit.newTenant();
    const parent = createStandInTwilioClient(standIn.url, standIn.accountSid, standIn.authToken);
    const existing = await parent.api.v2010.accounts.create({ friendlyName: 'Brought along' });

    const refused = await domainError(kit.twilioAccountsService.connect(ctx, { account_sid: existing.sid, auth_token: 'f'.repeat(32) }));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.details)).not.toContain(existing.authToken);
    expect((await domainError(kit.twilioAccountsService.connect(ctx, { account_sid: `AC${'0'.repeat(32)}`, auth_token: existing.authToken }))).status).toBe(400);
    expect(await sealedOf(ctx)).toBeUndefined();
    expect((await kit.twilioAccountsService.get(ctx)).source).toBe('platform');

    const connected = await kit.twilioAccountsService.connect(ctx, { account_sid: existing.sid, auth_token: existing.authToken });
    expect(connected).toMatchObject({ account_sid: existing.sid, friendly_name: 'Brought along', source: 'tenant' });
    expect(JSON.stringify(connected)).not.toContain(existing.authToken);

    const sealed = await sealedOf(ctx);
    expect(sealed).toBeDefined();
    expect(sealed).not.toContain(existing.authToken);
    const box = new SecretBox(KIT_ENCRYPTION_KEY);
    expect(box.decrypt(sealed!, twilioTokenScope(ctx.tenantId))).toBe(existing.authToken);
    const other = kit.newTenant();
    expect(() => box.decrypt(sealed!, twilioTokenScope(other.tenantId))).toThrow();

    // The change is one audited event, without the token.
    const events = (await kit.events(ctx.tenantId)).filter((e) => e.subject === 'evt.telephony.twilio_account.changed');
    expect(events.map((e) => e.envelope.payload.change)).toEqual(['connected']);
    expect(events[0].envelope.actor_id).toBe(ctx.userId);
    expect(JSON.stringify(events)).not.toContain(existing.authToken);
  });

  it('leaves another tenant on the platform account, and DELETE puts a tenant back on it', async () => {
    const ctx = kit.newTenant();
    const other = kit.newTenant();
    const created = await kit.twilioAccountsService.createSubaccount(ctx, { friendly_name: 'Going back' });
    expect((await domainError(kit.twilioAccountsService.createSubaccount(ctx, {}))).status).toBe(409);
    expect(await kit.twilioAccountsService.get(other)).toEqual({ account_sid: standIn.accountSid, friendly_name: null, source: 'platform', connected_at: null });

    // The other tenant's call (platform number) is the platform account's.
    const otherPhone = '+14155556707';
    const otherContact = await contactAt(other, otherPhone);
    const otherCall = await kit.calls.create(other, { contact_id: otherContact.id, rep_phone: REP });
    expect(await untilFinal(other, otherCall.id)).toMatchObject({ status: 'completed' });
    expect((await settledLeg(otherPhone)).account_sid).toBe(standIn.accountSid);

    const subToken = (await kit.twilioAccounts.own(ctx.tenantId))!.authToken;
    const reverted = await kit.twilioAccountsService.disconnect(ctx);
    expect(reverted).toEqual({ account_sid: standIn.accountSid, friendly_name: null, source: 'platform', connected_at: null });
    expect(await kit.twilioAccounts.own(ctx.tenantId)).toBeNull();
    expect(await sealedOf(ctx)).toBeUndefined();
    expect((await domainError(kit.twilioAccountsService.disconnect(ctx))).status).toBe(404);

    // Back on the platform account: its calls are the platform's, and a callback signed with the old subaccount's token is refused.
    const phone = '+14155556717';
    const contact = await contactAt(ctx, phone);
    const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
    expect(await untilFinal(ctx, call.id)).toMatchObject({ status: 'completed' });
    const leg = await settledLeg(phone);
    expect(leg.account_sid).toBe(standIn.accountSid);
    const url = statusUrl(ctx, call.id);
    const params = { CallSid: leg.sid, CallStatus: 'ringing', SequenceNumber: '98' };
    expect((await domainError(kit.voiceCallbacks.applyStatus({ url, params, signature: twilioSignature(subToken, `${gateway.url}${url}`, params) }))).status).toBe(403);
    expect(created.account_sid).not.toBe(standIn.accountSid);
    const events = (await kit.events(ctx.tenantId)).filter((e) => e.subject === 'evt.telephony.twilio_account.changed');
    expect(events.map((e) => e.envelope.payload.change)).toEqual(['subaccount_created', 'disconnected']);
  });

  it('lets only admins see or change the account (403 for reps and managers, nothing stored)', async () => {
    const ctx = kit.newTenant();
    for (const role of ['rep', 'manager'] as const) {
      const as = kit.as(ctx, role);
      expect((await domainError(kit.twilioAccountsService.get(as))).status).toBe(403);
      expect((await domainError(kit.twilioAccountsService.connect(as, { account_sid: standIn.accountSid, auth_token: standIn.authToken }))).status).toBe(403);
      expect((await domainError(kit.twilioAccountsService.createSubaccount(as, {}))).status).toBe(403);
      expect((await domainError(kit.twilioAccountsService.disconnect(as))).status).toBe(403);
    }
    expect(await sealedOf(ctx)).toBeUndefined();
  });
});
