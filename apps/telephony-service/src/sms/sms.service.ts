import { Injectable } from '@nestjs/common';
import type { ListSmsQuery, SendSmsRequest, SmsPage, SmsView } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed, assertGranted, requireTenant } from '@engage/access';
import { decodeCursor, pageLimit, TenantDatabase, timeOrderedId, toPage } from '@engage/database';
import { ValidationError } from '@engage/errors';
import { TwilioVoice } from '../calls/twilio-voice';
import { Clock } from '../compliance/clock';
import { ComplianceGate } from '../compliance/compliance-gate';
import { ContactDirectory } from '../compliance/contact-directory';
import { normalisePhone } from '../compliance/phone-number';
import { SmsDispatcher } from './sms-dispatcher';
import { SmsRepository } from './sms.repository';

const NEWEST = '-created_at';

/** Outbound texts: every one passes the compliance gate before anything is sent. */
@Injectable()
export class SmsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly sms: SmsRepository,
    private readonly gate: ComplianceGate,
    private readonly contacts: ContactDirectory,
    private readonly twilio: TwilioVoice,
    private readonly dispatcher: SmsDispatcher,
    private readonly clock: Clock,
  ) {}

  /**
   * Gate, then record the text as queued, in one transaction (a refusal leaves no text and no
   * attempt); only after that commits is it handed to Twilio. Sending from a number other than the
   * shared platform number makes it this tenant's own number, so replies to it come back here;
   * a number that is already another tenant's is refused.
   */
  async send(ctx: RequestContext, input: SendSmsRequest): Promise<SmsView> {
    const tctx = requireTenant(ctx);
    assertAllowed(ctx, 'sms', 'create');
    const contact = await this.contacts.find(ctx, input.contact_id);
    const raw = input.to ?? contact.primary_phone;
    if (!raw) throw new ValidationError('The contact has no phone number; give `to`.', { fields: { to: ['the contact has no phone number'] } });
    const to = normalisePhone(raw, 'to');
    const shared = this.twilio.defaultFrom;
    const from = input.from ? normalisePhone(input.from, 'from').e164 : shared;
    if (!from) throw new ValidationError('No sending number is configured; give `from`.', { fields: { from: ['no default sending number is configured'] } });
    const ownNumber = from !== shared;
    if (ownNumber && (await this.sms.numberOwners(from)).some((tenantId) => tenantId !== tctx.tenantId)) {
      throw new ValidationError('`from` is another account’s number.', { fields: { from: ['this number sends for another account'] } });
    }
    const text = await this.db.transaction(tctx.tenantId, async (tx) => {
      await this.gate.assertMayContact(tx, tctx.tenantId, to, 'sms', this.clock.now(), { timezone: contact.timezone, contactId: contact.id, actorId: ctx.userId });
      if (ownNumber) await this.sms.claimNumber(tx, tctx.tenantId, from);
      await this.sms.recordThread(tx, tctx.tenantId, from, to.e164, contact.id);
      return this.sms.insertOutbound(tx, tctx.tenantId, timeOrderedId(), { contact_id: contact.id, owner_id: ctx.userId, to: to.e164, from, body: input.body });
    });
    return this.dispatcher.dispatch(tctx, text);
  }

  /** The tenant's texts, newest first, optionally those to and from one contact. */
  async list(ctx: RequestContext, query: ListSmsQuery): Promise<SmsPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'sms', 'read');
    const limit = pageLimit(query.limit);
    const rows = await this.sms.list(tctx.tenantId, { contact_id: query.contact_id, after: decodeCursor(query.cursor, NEWEST), take: limit + 1 });
    return toPage(rows, limit, NEWEST);
  }
}
