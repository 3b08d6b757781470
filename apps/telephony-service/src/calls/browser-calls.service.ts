import { Inject, Injectable } from '@nestjs/common';
import type { CallView, TwilioWebhookCommand, TwimlReply, VoiceTokenView } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed } from '@engage/access';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import { DomainError } from '@engage/errors';
import { type Logger } from '@engage/logging';
import { LOGGER } from '@engage/service-runtime';
import { assertSignature } from '../accounts/callback-signature';
import { Clock } from '../compliance/clock';
import { ComplianceGate } from '../compliance/compliance-gate';
import { ContactDirectory } from '../compliance/contact-directory';
import { normalisePhone } from '../compliance/phone-number';
import { CallsRepository } from './calls.repository';
import { CallsService } from './calls.service';
import { DeviceUsers } from './device-users';
import { TwilioVoice } from './twilio-voice';

/** The fixed path of the TwiML webhook (SPEC section 4), the voice URL of the TwiML app browser devices use. */
export const VOICE_TWIML_PATH = '/webhooks/twilio/voice';

const hex = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
const IDENTITY = /^t([0-9a-f]{32})_u([0-9a-f]{32})$/;

/** A device identity that names the tenant and the user (Twilio identities allow letters, digits and `_`). */
export function deviceIdentity(tenantId: string, userId: string): string {
  return `t${hex(tenantId)}_u${hex(userId)}`;
}

export function parseDeviceIdentity(identity: string): { tenantId: string; userId: string } | null {
  const m = IDENTITY.exec(identity);
  return m ? { tenantId: uuidOf(m[1]), userId: uuidOf(m[2]) } : null;
}

/** Refusals a rep hears in the browser (the 422 code's meaning, in words). */
const SPOKEN: Record<string, string> = {
  module_not_enabled: 'Calling is not enabled for this account.',
  no_consent: 'There is no consent on record to call this number.',
  do_not_call: 'This number is on a Do-Not-Call list.',
  dnc_scrub_stale: 'The national Do-Not-Call status of this number is not current.',
  quiet_hours: 'It is outside calling hours where the contact is.',
  frequency_cap: 'This number has been called as often as allowed today.',
};

/**
 * Calling from the browser (SPEC section 4): the web app gets a Voice access token, its Twilio
 * device connects with the contact and number as parameters (`ContactId`, `To`, and `Record=true`
 * to record), and Twilio asks our TwiML webhook
 * what to do. The webhook is where the call is placed: it runs the same compliance gate as
 * POST /v1/calls before it answers `<Dial>`, so no device, token or crafted request can reach a
 * number the gate refuses; a refused call hears why and is hung up.
 */
@Injectable()
export class BrowserCallsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly calls: CallsRepository,
    private readonly callsService: CallsService,
    private readonly gate: ComplianceGate,
    private readonly contacts: ContactDirectory,
    private readonly users: DeviceUsers,
    private readonly twilio: TwilioVoice,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `POST /v1/calls/token`: for users who may place calls; the identity ties the device to them. */
  token(ctx: RequestContext): VoiceTokenView {
    assertAllowed(ctx, 'calls', 'create');
    const identity = deviceIdentity(ctx.tenantId, ctx.userId);
    const { token, expiresIn } = this.twilio.voiceToken(identity);
    return { token, identity, expires_in: expiresIn };
  }

  /** `POST /webhooks/twilio/voice`: signature first (403 otherwise), then TwiML that dials or refuses. */
  async connect(input: TwilioWebhookCommand): Promise<TwimlReply> {
    // Browser devices connect through the platform's TwiML app, so Twilio signs with the platform token.
    assertSignature(this.twilio.isSignedByTwilio(this.twilio.platformAccount, input.url, input.params, input.signature), this.logger, 'voice webhook', input);
    const p = input.params;
    const device = parseDeviceIdentity((p.From ?? '').replace(/^client:/, ''));
    if (!device || !p.From?.startsWith('client:') || !p.CallSid) return this.refuse('This device is not recognised.', { from: p.From });
    const user = await this.users.find(device.tenantId, device.userId);
    if (!user?.is_active) return this.refuse('This user cannot place calls.', { user_id: device.userId });
    const ctx: RequestContext = { requestId: p.CallSid, tenantId: device.tenantId, userId: device.userId, role: user.role, traceparent: null, apiKeyId: null };
    try {
      assertAllowed(ctx, 'calls', 'create');
      // Twilio may ask again for the same call (a retry): the call it already let through is dialled again, not gated twice.
      const existing = await this.db.transaction(device.tenantId, (tx) => this.calls.findByRepCallSid(tx, device.tenantId, p.CallSid));
      if (existing) return this.dial(device.tenantId, existing);
      const contact = await this.contacts.find(ctx, p.ContactId ?? '');
      const to = normalisePhone(p.To ?? contact.primary_phone ?? '', 'To');
      const from = this.twilio.defaultFrom;
      if (!from) return this.refuse('No caller id is configured for this account.', { tenant_id: device.tenantId });
      const call = await this.db.transaction(device.tenantId, async (tx) => {
        await this.gate.assertMayContact(tx, device.tenantId, to, 'call', this.clock.now(), { timezone: contact.timezone, contactId: contact.id, actorId: device.userId });
        return this.calls.insert(tx, device.tenantId, timeOrderedId(), {
          contact_id: contact.id,
          owner_id: device.userId,
          to: to.e164,
          from,
          rep_phone: p.From,
          mode: 'browser',
          record: p.Record === 'true',
          rep_call_sid: p.CallSid,
        });
      });
      return this.dial(device.tenantId, call);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status >= 500) throw error;
      return this.refuse(SPOKEN[error.code] ?? (error.status === 404 ? 'The contact was not found.' : 'The call cannot be placed.'), { code: error.code, call_sid: p.CallSid });
    }
  }

  private dial(tenantId: string, call: CallView): TwimlReply {
    // The device's call is the platform account's (its API key and TwiML app), so are its legs and recording.
    const recordingUrl = call.record ? this.callsService.recordingStatusUrl(tenantId, call.id, true) : undefined;
    return { twiml: this.twilio.dialFromBrowser(call.to, call.from, this.callsService.legStatusUrl(tenantId, call.id, 'contact', true), recordingUrl) };
  }

  private refuse(reason: string, fields: Record<string, unknown>): TwimlReply {
    this.logger.info(fields, `browser call refused: ${reason}`);
    return { twiml: this.twilio.refuseTwiml(`${reason} The call was not placed.`) };
  }
}
