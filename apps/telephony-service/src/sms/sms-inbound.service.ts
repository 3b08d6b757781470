import { Inject, Injectable } from '@nestjs/common';
import { Events, type SmsKeywordEffect, type SmsView, type TwilioWebhookCommand, type WebhookOutcome } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import { type Logger } from '@engage/logging';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { LOGGER } from '@engage/service-runtime';
import { assertSignature } from '../accounts/callback-signature';
import { TwilioAccounts } from '../accounts/twilio-accounts';
import { TwilioVoice } from '../calls/twilio-voice';
import { ComplianceRepository } from '../compliance/compliance.repository';
import { normalisePhone } from '../compliance/phone-number';
import { PhoneContacts } from '../registry/phone-contacts';
import { field } from './sms-callbacks.service';
import { SMS_INBOUND_PATH, SmsDispatcher } from './sms-dispatcher';
import { KEYWORD_REPLIES, smsKeywordEffect } from './sms-keywords';
import { type InboundRoute, SmsRepository } from './sms.repository';

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;
/** Twilio's own limit is 1,600 characters; anything longer was not written by a phone. */
const MAX_BODY_CHARS = 10_000;

/** The sender as a tenant knows them: the contact that carries the number, and its owner. */
interface Sender {
  contact_id: string | null;
  owner_id: string | null;
}

/**
 * Inbound texts (`POST /webhooks/twilio/sms`, forwarded by the gateway), signature-checked like
 * every Twilio callback. A text is matched to its tenants by the number it was sent to (see
 * SmsRepository.routeInbound: the tenant whose own number it is, or, for the shared platform
 * number, every tenant that has texted the sender from it), and within each tenant to the contact
 * that carries the sender's number (asked of crm-service). It is recorded once per tenant and
 * MessageSid, so a repeated delivery changes nothing.
 *
 * STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT revokes the sender's SMS consent in each of
 * those tenants at once, in the transaction that records the text; START or UNSTOP grants it again.
 * Either is confirmed by one text, sent by the delivery that recorded the text for the first of its
 * tenants (by id): a duplicate delivery records nothing and so sends nothing.
 */
@Injectable()
export class SmsInboundService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly sms: SmsRepository,
    private readonly compliance: ComplianceRepository,
    private readonly phoneContacts: PhoneContacts,
    private readonly dispatcher: SmsDispatcher,
    private readonly twilio: TwilioVoice,
    private readonly accounts: TwilioAccounts,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async receive(input: TwilioWebhookCommand): Promise<WebhookOutcome> {
    assertSignature(await this.isSigned(input), this.logger, 'inbound sms', input);
    const sid = field(input.params, 'MessageSid') ?? field(input.params, 'SmsSid');
    const from = phone(field(input.params, 'From'));
    const to = phone(field(input.params, 'To'));
    if (new URL(input.url, 'http://callback.invalid').pathname !== SMS_INBOUND_PATH || !sid || !MESSAGE_SID.test(sid) || !from || !to) {
      return this.ignore('not an inbound text we can read', { message_sid: sid });
    }
    // PostgreSQL text cannot hold NUL; nothing a phone sends contains one.
    const body = (field(input.params, 'Body') ?? '').replace(/\u0000/g, '').slice(0, MAX_BODY_CHARS);
    const keyword = smsKeywordEffect(body);
    const routes = await this.sms.routeInbound(to, from);
    if (routes.length === 0) return this.ignore('no tenant has this number, or has texted this sender from it', { message_sid: sid, to, keyword });

    let recorded = 0;
    for (const [index, route] of routes.entries()) {
      const ctx = systemContext({ tenantId: route.tenant_id }) as TenantContext;
      const sender = await this.sender(ctx, from, route);
      const reply = await this.db.transaction(ctx.tenantId, async (tx) => {
        const text = await this.sms.insertInbound(tx, ctx.tenantId, timeOrderedId(), { ...sender, to, from, body, message_sid: sid, keyword });
        if (!text) return null;
        recorded++;
        if (keyword) {
          await this.compliance.insertConsent(tx, ctx.tenantId, timeOrderedId(), {
            phone: from,
            contact_id: sender.contact_id,
            type: 'sms',
            status: keyword === 'opt_out' ? 'revoked' : 'granted',
            source: 'sms_keyword',
            evidence: `${sid}: ${body}`,
            expires_at: null,
            recorded_by: null,
          });
        }
        await this.outbox.append(tx, ctx, [outboxEvent(Events.telephony.smsReceived, { aggregateId: text.id, version: text.version, payload: { sms: text, keyword } })]);
        if (!keyword || index !== 0) return null;
        return this.sms.insertOutbound(tx, ctx.tenantId, timeOrderedId(), {
          contact_id: sender.contact_id,
          owner_id: null,
          to: from,
          from: to,
          body: KEYWORD_REPLIES[keyword],
          reply_to: text.id,
        });
      });
      if (reply && keyword) await this.confirm(ctx, reply, keyword);
    }
    if (recorded === 0) return this.ignore('duplicate delivery', { message_sid: sid });
    this.logger.info({ message_sid: sid, tenants: recorded, keyword }, 'inbound sms recorded');
    return { outcome: 'applied' };
  }

  /**
   * Twilio signs an inbound text with the token of the account that owns the receiving number: the
   * platform's, or the own account of the tenant whose number it is (sms_numbers). The webhook URL
   * carries no tenant, so the receiving number (signed with the rest) says whose token may sign it.
   */
  private async isSigned(input: TwilioWebhookCommand): Promise<boolean> {
    if (this.twilio.isSignedByTwilio(this.twilio.platformAccount, input.url, input.params, input.signature)) return true;
    const to = phone(field(input.params, 'To'));
    if (!to || !input.signature) return false;
    for (const tenantId of await this.sms.numberOwners(to)) {
      if (await this.accounts.isSignedByOwnAccountOf(tenantId, input)) return true;
    }
    return false;
  }

  /**
   * Who sent it, for this tenant: the contact crm-service finds carrying the number (the one this
   * tenant last texted there, if several do). If crm-service cannot answer, the text is still
   * recorded (and a STOP still honoured), with the contact this tenant last texted at the number.
   */
  private async sender(ctx: TenantContext, from: string, route: InboundRoute): Promise<Sender> {
    try {
      const contacts = await this.phoneContacts.carrying(ctx, from);
      const contact = contacts.find((c) => c.id === route.thread_contact_id) ?? contacts[0];
      return { contact_id: contact?.id ?? null, owner_id: contact?.owner_id ?? null };
    } catch (error) {
      this.logger.warn({ err: error, tenant_id: ctx.tenantId }, 'inbound sms: contacts could not be asked; using the last texted contact');
      return { contact_id: route.thread_contact_id, owner_id: null };
    }
  }

  /** The keyword's confirmation is legally required and already recorded: a failure to send it is logged, never the webhook's error. */
  private async confirm(ctx: TenantContext, reply: SmsView, keyword: SmsKeywordEffect): Promise<void> {
    try {
      await this.dispatcher.dispatch(ctx, reply);
    } catch (error) {
      this.logger.error({ err: error, tenant_id: ctx.tenantId, sms_id: reply.id, keyword }, 'inbound sms: the keyword confirmation could not be sent');
    }
  }

  private ignore(reason: string, fields: Record<string, unknown>): WebhookOutcome {
    this.logger.info(fields, `inbound sms ignored: ${reason}`);
    return { outcome: 'ignored' };
  }
}

/** A number as E.164, or null for anything that is not one (short codes, garbage). */
function phone(raw: string | undefined): string | null {
  if (!raw || raw.length > 32) return null;
  try {
    return normalisePhone(raw).e164;
  } catch {
    return null;
  }
}
