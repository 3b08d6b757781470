import { Injectable } from '@nestjs/common';
import { type CallPage, type CallView, type CreateCallRequest, FinalCallStatuses, type ListCallsQuery, type UpdateCallCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed, assertGranted, assertMayTouch, requireTenant } from '@engage/access';
import { decodeCursor, pageLimit, TenantDatabase, timeOrderedId, toPage } from '@engage/database';
import { ConflictError, NotFoundError, ValidationError } from '@engage/errors';
import { OutboxWriter } from '@engage/messaging';
import { Clock } from '../compliance/clock';
import { ComplianceGate } from '../compliance/compliance-gate';
import { ComplianceRepository } from '../compliance/compliance.repository';
import { ContactDirectory } from '../compliance/contact-directory';
import { normalisePhone } from '../compliance/phone-number';
import { PLATFORM_ACCOUNT_MARK, TwilioAccounts } from '../accounts/twilio-accounts';
import { transitionEvents } from './call-events';
import { CallsRepository } from './calls.repository';
import { TwilioVoice } from './twilio-voice';

const NEWEST = '-created_at';

/** The paths Twilio posts voice status and recording-status callbacks to (SPEC section 4), at the gateway. */
export const VOICE_STATUS_PATH = '/webhooks/twilio/voice/status';
export const RECORDING_STATUS_PATH = '/webhooks/twilio/recording';

/** Outbound calls: every one passes the compliance gate before anything is dialled. */
@Injectable()
export class CallsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly calls: CallsRepository,
    private readonly gate: ComplianceGate,
    private readonly compliance: ComplianceRepository,
    private readonly contacts: ContactDirectory,
    private readonly twilio: TwilioVoice,
    private readonly accounts: TwilioAccounts,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /**
   * Gate, then record the call as queued, in one transaction (a refusal leaves no call and no
   * attempt); only after that commits is Twilio asked to ring the rep, so a call Twilio knows of
   * always has its row for the callbacks to find. The call is placed with the tenant's Twilio
   * account (its own, else the platform's; the platform's for the shared platform number), whose
   * token then signs its callbacks.
   */
  async create(ctx: RequestContext, input: CreateCallRequest): Promise<CallView> {
    const tctx = requireTenant(ctx);
    assertAllowed(ctx, 'calls', 'create');
    const contact = await this.contacts.find(ctx, input.contact_id);
    const raw = input.to ?? contact.primary_phone;
    if (!raw) throw new ValidationError('The contact has no phone number; give `to`.', { fields: { to: ['the contact has no phone number'] } });
    const to = normalisePhone(raw, 'to');
    const repPhone = normalisePhone(input.rep_phone, 'rep_phone').e164;
    const from = input.from ?? this.twilio.defaultFrom;
    if (!from) throw new ValidationError('No caller id is configured; give `from`.', { fields: { from: ['no default caller id is configured'] } });
    const call = await this.db.transaction(tctx.tenantId, async (tx) => {
      await this.gate.assertMayContact(tx, tctx.tenantId, to, 'call', this.clock.now(), { timezone: contact.timezone, contactId: contact.id, actorId: ctx.userId });
      return this.calls.insert(tx, tctx.tenantId, timeOrderedId(), {
        contact_id: contact.id,
        owner_id: ctx.userId,
        to: to.e164,
        from,
        rep_phone: repPhone,
        mode: 'bridge',
        record: input.record === true,
      });
    });
    try {
      const account = await this.accounts.forItem(tctx.tenantId, call);
      const byPlatform = this.accounts.usesPlatformAccount(call);
      const sid = await this.twilio.placeBridgeCall(account, {
        repPhone,
        contactPhone: to.e164,
        from,
        repStatusUrl: this.legStatusUrl(tctx.tenantId, call.id, 'rep', byPlatform),
        contactStatusUrl: this.legStatusUrl(tctx.tenantId, call.id, 'contact', byPlatform),
        recordingStatusUrl: call.record ? this.recordingStatusUrl(tctx.tenantId, call.id, byPlatform) : undefined,
      });
      await this.calls.setRepCallSid(tctx.tenantId, call.id, sid);
    } catch (error) {
      // Nothing was dialled: the call ends as failed, with its events, and the caller hears why.
      await this.db.transaction(tctx.tenantId, async (tx) => {
        const failed = await this.calls.advance(tx, tctx.tenantId, call.id, 'failed', true, null);
        if (failed) await this.outbox.append(tx, tctx, transitionEvents(failed, call.status, true));
      });
      throw error;
    }
    return (await this.calls.findById(tctx.tenantId, call.id)) ?? call;
  }

  /**
   * Where one leg of the call posts its statuses (the ids ride in the signed URL). `byPlatform`: the
   * call goes through the platform account whatever the tenant's (browser calls, the shared platform
   * number), so its callbacks are checked with the platform token.
   */
  legStatusUrl(tenantId: string, callId: string, leg: 'rep' | 'contact', byPlatform = false): string {
    return this.twilio.publicUrl(`${VOICE_STATUS_PATH}?tenant=${tenantId}&call=${callId}&leg=${leg}${byPlatform ? `&${PLATFORM_ACCOUNT_MARK}` : ''}`);
  }

  recordingStatusUrl(tenantId: string, callId: string, byPlatform = false): string {
    return this.twilio.publicUrl(`${RECORDING_STATUS_PATH}?tenant=${tenantId}&call=${callId}${byPlatform ? `&${PLATFORM_ACCOUNT_MARK}` : ''}`);
  }

  async get(ctx: RequestContext, id: string): Promise<CallView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'calls', 'read');
    const call = await this.calls.findById(tctx.tenantId, id);
    if (!call) throw new NotFoundError('Call', id);
    return call;
  }

  async list(ctx: RequestContext, query: ListCallsQuery): Promise<CallPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'calls', 'read');
    const limit = pageLimit(query.limit);
    const rows = await this.calls.list(tctx.tenantId, { contact_id: query.contact_id, status: query.status, after: decodeCursor(query.cursor, NEWEST), take: limit + 1 });
    return toPage(rows, limit, NEWEST);
  }

  /** Disposition and notes; `do_not_call` puts the number on the internal DNC list in the same transaction. */
  async update(ctx: RequestContext, input: UpdateCallCommand): Promise<CallView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'calls', 'update');
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.calls.lock(tx, tctx.tenantId, input.id);
      if (!current) throw new NotFoundError('Call', input.id);
      assertMayTouch(ctx, 'calls', 'update', current.owner_id);
      const call = await this.calls.updateNotes(tx, tctx.tenantId, current.id, {
        disposition: input.disposition !== undefined ? input.disposition : current.disposition,
        notes: input.notes !== undefined ? input.notes : current.notes,
      });
      if (input.disposition === 'do_not_call') await this.compliance.addDnc(tx, tctx.tenantId, call.to, 'do_not_call disposition', 'call_disposition', ctx.userId);
      return call;
    });
  }

  /**
   * Ends the call at Twilio; its final status arrives by callback like any other. A call Twilio
   * never got (still queued) is canceled here. An ended call answers 409.
   */
  async hangup(ctx: RequestContext, id: string): Promise<CallView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'calls', 'update');
    const placed = await this.db.transaction(tctx.tenantId, async (tx) => {
      const current = await this.calls.lock(tx, tctx.tenantId, id);
      if (!current) throw new NotFoundError('Call', id);
      assertMayTouch(ctx, 'calls', 'update', current.owner_id);
      if (FinalCallStatuses.includes(current.status)) throw new ConflictError('The call has already ended.', { status: current.status });
      if (current.rep_call_sid) return { sid: current.rep_call_sid, mode: current.mode, from: current.from };
      const canceled = await this.calls.advance(tx, tctx.tenantId, id, 'canceled', true, null);
      if (canceled) await this.outbox.append(tx, tctx, transitionEvents(canceled, current.status, true));
      return null;
    });
    if (placed) await this.twilio.hangUp(await this.accounts.forItem(tctx.tenantId, placed), placed.sid);
    return this.get(ctx, id);
  }
}
