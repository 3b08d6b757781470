import { control } from '@engage/providers/twilio/control';
import { twilioSignature, type TwilioStandIn } from '@engage/providers/twilio';
import type { TenantContext } from '@engage/context';
import { domainError } from '@engage/testing/kit';
import { REP_PHONE as REP, SF_NOON, type StandInCall, startStandInKit, type StandInKit, untilFinal } from '../test-support/stand-in-kit';
import type { TelephonyKit } from '../test-support/telephony-test-kit';
import { deviceIdentity, parseDeviceIdentity } from './browser-calls.service';
import type { TestCallbackGateway } from './test-callback-gateway';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Connected = { call: StandInCall; twiml: string | null; dialed: StandInCall | null };

describe('browser calls, recordings, the module switch and audited refusals', () => {
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

  async function contactAt(phone: string, ctx: TenantContext = kit.newTenant()) {
    const contact = kit.contacts.add(ctx, { primary_phone: phone });
    await kit.grant(ctx, phone);
    return { ctx, contact };
  }

  async function until<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await probe().catch(() => null);
      if (value) return value;
      await sleep(25);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const finalCall = (ctx: TenantContext, id: string) => untilFinal(kit, ctx, id);

  const eventsOf = async (tenantId: string, subject: string) => (await kit.events(tenantId)).filter((e) => e.subject === subject);

  /** What a browser device does: mint a token as `ctx`, then connect with params. */
  async function connectFromBrowser(ctx: TenantContext, to: string, params: Record<string, string>): Promise<Connected> {
    const { token } = kit.browserCalls.token(ctx);
    const res = await control<Connected>(standIn.url, 'POST', '/voice/connect', { token, to, params, url: `${gateway.url}/webhooks/twilio/voice` });
    expect(res.status).toBe(201);
    return res.body;
  }

  describe('recordings', () => {
    it('records a bridged call, streams it to its owner and managers only, and deletes it at the provider', async () => {
      const admin = kit.newTenant();
      const rep = kit.as(admin, 'rep');
      const { contact } = await contactAt('+14155559004', admin);
      const call = await kit.calls.create(rep, { contact_id: contact.id, rep_phone: REP, record: true });
      expect(call.record).toBe(true);
      const done = await finalCall(rep, call.id);
      expect(done.status).toBe('completed');
      const info = await until('the recording', () => kit.recordings.info(rep, call.id));
      expect(info).toMatchObject({ call_id: call.id, channels: 2, duration_s: 4 });
      expect(info.sid).toMatch(/^RE[0-9a-f]{32}$/);
      expect(info.size).toBeGreaterThan(44);
      const head = await kit.recordings.chunk(rep, { id: call.id, start: 0, end: 11 });
      const bytes = Buffer.from(head.data, 'base64');
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
      expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
      expect(head.size).toBe(info.size);
      const tail = await kit.recordings.chunk(rep, { id: call.id, start: info.size - 10, end: info.size - 1 });
      expect(Buffer.from(tail.data, 'base64')).toHaveLength(10);
      // A manager and an admin hear it; another rep, another tenant do not even learn it exists.
      expect((await kit.recordings.info(kit.as(admin, 'manager'), call.id)).sid).toBe(info.sid);
      expect((await kit.recordings.info(admin, call.id)).sid).toBe(info.sid);
      expect((await domainError(kit.recordings.info(kit.as(admin, 'rep'), call.id))).status).toBe(404);
      expect((await domainError(kit.recordings.chunk(kit.as(admin, 'rep'), { id: call.id, start: 0, end: 1 }))).status).toBe(404);
      expect((await domainError(kit.recordings.info(kit.newTenant(), call.id))).status).toBe(404);
      expect((await domainError(kit.recordings.chunk(rep, { id: call.id, start: 10, end: 5 }))).status).toBe(400);
      expect((await domainError(kit.recordings.chunk(rep, { id: call.id, start: 0, end: 10 * 1024 * 1024 }))).status).toBe(400);
      // The completion says a recording exists.
      const [completed] = (await eventsOf(admin.tenantId, 'evt.telephony.call.completed')).filter((e) => e.envelope.aggregate_id === call.id);
      expect(completed.envelope.payload).toMatchObject({ has_recording: true });

      // Replayed recording callbacks change nothing.
      const leg = (await control<{ calls: StandInCall[] }>(standIn.url, 'GET', `/calls?to=${encodeURIComponent('+14155559004')}`)).body.calls.at(-1)!;
      const before = gateway.outcomes.filter((o) => o.path === '/webhooks/twilio/recording').length;
      await control(standIn.url, 'POST', `/calls/${leg.sid}/replay`, { order: 'reverse', kind: 'recording-status' });
      const replayed = gateway.outcomes.filter((o) => o.path === '/webhooks/twilio/recording').slice(before);
      expect(replayed.length).toBeGreaterThan(0);
      expect(replayed.every((o) => o.outcome === 'ignored')).toBe(true);
      expect((await kit.recordings.info(rep, call.id)).sid).toBe(info.sid);

      expect(await kit.recordings.deleteForCall(admin.tenantId, call.id)).toBe(1);
      expect((await control(standIn.url, 'GET', `/calls/${leg.sid}`)).status).toBe(200);
      const media = await fetch(`${standIn.url}/2010-04-01/Accounts/${standIn.accountSid}/Recordings/${info.sid}.json`, {
        headers: { authorization: `Basic ${Buffer.from(`${standIn.accountSid}:${standIn.authToken}`).toString('base64')}` },
      });
      expect(media.status).toBe(404);
      expect((await domainError(kit.recordings.info(rep, call.id))).status).toBe(404);
      expect(await kit.recordings.deleteForCall(admin.tenantId, call.id)).toBe(0);
    });

    it('has no recording for an unrecorded call, and refuses forged recording callbacks', async () => {
      const { ctx, contact } = await contactAt('+14155559002');
      const call = await kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP });
      expect(call.record).toBe(false);
      await finalCall(ctx, call.id);
      expect((await domainError(kit.recordings.info(ctx, call.id))).status).toBe(404);
      const url = `/webhooks/twilio/recording?tenant=${ctx.tenantId}&call=${call.id}`;
      const params = { RecordingSid: 'RE' + 'a'.repeat(32), RecordingStatus: 'completed', RecordingDuration: '3', RecordingChannels: '2', CallSid: 'CA' + 'a'.repeat(32) };
      expect((await domainError(kit.recordings.applyCallback({ url, params, signature: twilioSignature('wrong', `${gateway.url}${url}`, params) }))).status).toBe(403);
      expect((await domainError(kit.recordings.applyCallback({ url, params }))).status).toBe(403);
      expect((await domainError(kit.recordings.info(ctx, call.id))).status).toBe(404);
      // Garbage but signed: an unknown status or a malformed sid is a logged no-op, never an error.
      for (const bad of [{ ...params, RecordingStatus: 'exploded' }, { ...params, RecordingSid: 'nope' }]) {
        expect(await kit.recordings.applyCallback({ url, params: bad, signature: twilioSignature(standIn.authToken, `${gateway.url}${url}`, bad) })).toEqual({ outcome: 'ignored' });
      }
      const otherCall = url.replace(call.id, '00000000-0000-4000-8000-000000000000');
      expect(await kit.recordings.applyCallback({ url: otherCall, params, signature: twilioSignature(standIn.authToken, `${gateway.url}${otherCall}`, params) })).toEqual({ outcome: 'ignored' });
    });
  });

  describe('browser calls', () => {
    it('mints a one-hour Voice token whose identity names the user and tenant', async () => {
      const ctx = kit.newTenant();
      const minted = kit.browserCalls.token(ctx);
      expect(minted.expires_in).toBe(3600);
      expect(minted.identity).toBe(deviceIdentity(ctx.tenantId, ctx.userId!));
      expect(parseDeviceIdentity(minted.identity)).toEqual({ tenantId: ctx.tenantId, userId: ctx.userId });
      const verified = await control<{ identity: string; expiresAt: number }>(standIn.url, 'POST', '/voice/token/verify', { token: minted.token });
      expect(verified.status).toBe(200);
      expect(verified.body.identity).toBe(minted.identity);
      expect(verified.body.expiresAt * 1000 - Date.now()).toBeLessThanOrEqual(3600 * 1000);
      expect(() => kit.browserCalls.token({ ...ctx, userId: null })).toThrow();
    });

    it('dials the contact once the gate lets the call through, and follows it to completed', async () => {
      const { ctx, contact } = await contactAt('+14155559005');
      kit.deviceUsers.set(ctx.tenantId, ctx.userId!, { role: 'rep', is_active: true });
      const connected = await connectFromBrowser(ctx, '+14155559005', { ContactId: contact.id, Record: 'true' });
      expect(connected.twiml).toContain('<Dial');
      expect(connected.dialed).toMatchObject({ to: '+14155559005' });
      const [call] = (await kit.calls.list(ctx, { contact_id: contact.id })).data;
      expect(call).toMatchObject({ mode: 'browser', record: true, owner_id: ctx.userId, to: '+14155559005', rep_phone: `client:${deviceIdentity(ctx.tenantId, ctx.userId!)}` });
      expect(await finalCall(ctx, call.id)).toMatchObject({ status: 'completed', duration_s: 5 });
      await until('the recording', () => kit.recordings.info(ctx, call.id));

      // Twilio asking again for the same browser leg dials the same call, without a second gate pass.
      const retry = gateway.outcomes.find((o) => o.path === '/webhooks/twilio/voice' && o.params.CallSid === connected.call.sid)!;
      const url = '/webhooks/twilio/voice';
      const again = await kit.browserCalls.connect({ url, params: retry.params, signature: twilioSignature(standIn.authToken, `${gateway.url}${url}`, retry.params) });
      expect(again.twiml).toContain('<Dial');
      expect((await kit.calls.list(ctx, { contact_id: contact.id })).data).toHaveLength(1);
    });

    it('refuses in TwiML, dialling nothing, a number on the DNC list, a tenant without telephony, an unknown or deactivated user', async () => {
      const { ctx, contact } = await contactAt('+14155559006');
      kit.deviceUsers.set(ctx.tenantId, ctx.userId!, { role: 'rep', is_active: true });
      await kit.compliance.addDnc(ctx, { phone: '+14155559006', reason: 'asked' });
      const dnc = await connectFromBrowser(ctx, '+14155559006', { ContactId: contact.id });
      expect(dnc.twiml).toMatch(/<Say>[^<]*Do-Not-Call[^<]*<\/Say><Hangup\/>/);
      expect(dnc.dialed).toBeNull();

      const other = await contactAt('+14155559016');
      kit.deviceUsers.set(other.ctx.tenantId, other.ctx.userId!, { role: 'rep', is_active: true });
      kit.modules.switchOff(other.ctx.tenantId);
      const off = await connectFromBrowser(other.ctx, '+14155559016', { ContactId: other.contact.id });
      expect(off.twiml).toContain('not enabled');
      expect(off.dialed).toBeNull();

      const stranger = await contactAt('+14155559026');
      const unknown = await connectFromBrowser(stranger.ctx, '+14155559026', { ContactId: stranger.contact.id });
      expect(unknown.twiml).toContain('<Hangup/>');
      kit.deviceUsers.set(stranger.ctx.tenantId, stranger.ctx.userId!, { role: 'rep', is_active: false });
      expect((await connectFromBrowser(stranger.ctx, '+14155559026', { ContactId: stranger.contact.id })).dialed).toBeNull();

      // Another tenant's contact, or none at all: refused, never an error to Twilio.
      expect((await connectFromBrowser(ctx, '+14155559016', { ContactId: other.contact.id })).twiml).toContain('not found');
      expect((await connectFromBrowser(ctx, '+14155559016', {})).dialed).toBeNull();
      for (const c of [ctx, other.ctx, stranger.ctx]) expect((await kit.calls.list(c, {})).data).toEqual([]);
      // Only the browser's own leg exists at Twilio: no leg was ever dialled to the contact.
      const legs = await control<{ calls: Array<StandInCall & { direction: string }> }>(standIn.url, 'GET', `/calls?to=${encodeURIComponent('+14155559006')}`);
      expect(legs.body.calls.map((c) => c.direction)).toEqual(['inbound']);
    });

    it('answers 403 to a forged voice webhook', async () => {
      const url = '/webhooks/twilio/voice';
      const params = { CallSid: 'CA' + 'b'.repeat(32), From: 'client:whoever', To: '+14155559007' };
      expect((await domainError(kit.browserCalls.connect({ url, params, signature: twilioSignature('wrong', `${gateway.url}${url}`, params) }))).status).toBe(403);
      expect((await domainError(kit.browserCalls.connect({ url, params }))).status).toBe(403);
    });
  });

  describe('the gate', () => {
    it('refuses every call of a tenant without the telephony module (422 module_not_enabled), nothing dialled', async () => {
      const { ctx, contact } = await contactAt('+14155559036');
      kit.modules.switchOff(ctx.tenantId);
      expect(await domainError(kit.calls.create(ctx, { contact_id: contact.id, rep_phone: REP }))).toMatchObject({ status: 422, code: 'module_not_enabled' });
      expect((await kit.calls.list(ctx, {})).data).toEqual([]);
    });

    it('audits each refusal as evt.telephony.compliance.refused, with who tried and why', async () => {
      const { ctx, contact } = await contactAt('+14155559046');
      const rep = kit.as(ctx, 'rep');
      const noConsent = kit.contacts.add(ctx, { primary_phone: '+14155559047' });
      await domainError(kit.calls.create(rep, { contact_id: noConsent.id, rep_phone: REP }));
      kit.clock.set('2026-01-15T08:00:00Z'); // midnight in San Francisco
      await domainError(kit.calls.create(rep, { contact_id: contact.id, rep_phone: REP }));
      const refusals = await eventsOf(ctx.tenantId, 'evt.telephony.compliance.refused');
      expect(refusals.map((e) => [e.envelope.payload.code, e.envelope.payload.phone, e.envelope.payload.contact_id, e.envelope.actor_id])).toEqual([
        ['no_consent', '+14155559047', noConsent.id, rep.userId],
        ['quiet_hours', '+14155559046', contact.id, rep.userId],
      ]);
      expect(refusals[1].envelope.payload).toMatchObject({ channel: 'call', refused_at: '2026-01-15T08:00:00.000Z' });
      expect((await kit.calls.list(ctx, {})).data).toEqual([]);
    });
  });
});
