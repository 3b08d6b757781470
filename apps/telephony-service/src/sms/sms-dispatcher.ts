import { Injectable } from '@nestjs/common';
import { Events, type SmsView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { DomainError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { PLATFORM_ACCOUNT_MARK, TwilioAccounts } from '../accounts/twilio-accounts';
import { TwilioVoice } from '../calls/twilio-voice';
import { SmsRepository } from './sms.repository';

/** The paths Twilio posts inbound texts and text status callbacks to (SPEC section 4), at the gateway. */
export const SMS_INBOUND_PATH = '/webhooks/twilio/sms';
export const SMS_STATUS_PATH = '/webhooks/twilio/sms/status';

/**
 * Hands a text already recorded as queued to Twilio. It runs after the transaction that recorded
 * it committed, so every status callback finds its row; the callback URL carries the tenant and
 * text ids we gave Twilio (signed with the rest), so no cross-tenant lookup is needed for it. The text
 * goes through the tenant's Twilio account (its own, else the platform's); one from the shared platform
 * number through the platform's, which owns it (its callback URL says so, see PLATFORM_ACCOUNT_MARK).
 */
@Injectable()
export class SmsDispatcher {
  constructor(
    private readonly db: TenantDatabase,
    private readonly sms: SmsRepository,
    private readonly twilio: TwilioVoice,
    private readonly accounts: TwilioAccounts,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Accepted: the MessageSid is kept and `evt.telephony.sms.sent` written, once. Refused (or
   * Twilio unreachable): the text ends as failed with Twilio's error code, and the error is rethrown.
   */
  async dispatch(ctx: TenantContext, text: SmsView): Promise<SmsView> {
    const byPlatform = this.accounts.usesPlatformAccount(text);
    const statusCallback = this.twilio.publicUrl(`${SMS_STATUS_PATH}?tenant=${ctx.tenantId}&sms=${text.id}${byPlatform ? `&${PLATFORM_ACCOUNT_MARK}` : ''}`);
    let sid: string;
    try {
      sid = await this.twilio.sendMessage(await this.accounts.forItem(ctx.tenantId, text), { to: text.to, from: text.from, body: text.body, statusCallback });
    } catch (error) {
      const code = error instanceof DomainError && error.details?.provider_code != null ? String(error.details.provider_code) : null;
      await this.db.transaction(ctx.tenantId, (tx) => this.sms.advance(tx, ctx.tenantId, text.id, 'failed', null, code));
      throw error;
    }
    const accepted = await this.db.transaction(ctx.tenantId, async (tx) => {
      const row = await this.sms.markAccepted(tx, ctx.tenantId, text.id, sid);
      if (row) await this.outbox.append(tx, ctx, [outboxEvent(Events.telephony.smsSent, { aggregateId: row.id, version: row.version, payload: { sms: row } })]);
      return row;
    });
    return accepted ?? (await this.sms.findById(ctx.tenantId, text.id)) ?? text;
  }
}
