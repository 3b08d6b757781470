import { Inject, Injectable } from '@nestjs/common';
import type { SmsStatus, TwilioWebhookCommand, WebhookOutcome } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import { type Logger } from '@engage/logging';
import { LOGGER } from '@engage/service-runtime';
import { assertSignature, callbackIds } from '../accounts/callback-signature';
import { TwilioAccounts } from '../accounts/twilio-accounts';
import { SMS_STATUS_PATH } from './sms-dispatcher';
import { SmsRepository } from './sms.repository';

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;
/** The outbound statuses a text is followed through; Twilio's others (accepted, sending, …) add nothing to them. */
const TRACKED: readonly SmsStatus[] = ['queued', 'sent', 'delivered', 'undelivered', 'failed'];

/** A form field as a string (the gateway sends strings; anything else is as good as absent). */
export const field = (params: Record<string, unknown>, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Twilio's status callbacks for texts (`POST /webhooks/twilio/sms/status`, forwarded by the
 * gateway). Each is checked against Twilio's signature over the public URL it was posted to (which
 * carries the tenant and text ids we gave Twilio, so they are signed too), with the token of that
 * tenant's Twilio account (the one that sent the text), and applied only if it
 * moves the text forward: a duplicate, late or reordered callback changes nothing.
 */
@Injectable()
export class SmsCallbacksService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly sms: SmsRepository,
    private readonly accounts: TwilioAccounts,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async applyStatus(input: TwilioWebhookCommand): Promise<WebhookOutcome> {
    assertSignature(await this.accounts.isSignedFor(input), this.logger, 'sms status callback', input);
    const ids = callbackIds(input.url, SMS_STATUS_PATH, 'sms');
    const sid = field(input.params, 'MessageSid') ?? field(input.params, 'SmsSid');
    const rawStatus = field(input.params, 'MessageStatus') ?? field(input.params, 'SmsStatus');
    if (!ids || !sid || !MESSAGE_SID.test(sid)) {
      return this.ignore('callback for no text of ours', { message_sid: sid });
    }
    const { tenantId, id: smsId } = ids;
    if (!TRACKED.includes(rawStatus as SmsStatus)) return this.ignore('status not followed', { message_sid: sid, status: rawStatus });
    const status = rawStatus as SmsStatus;
    const rawError = field(input.params, 'ErrorCode');
    const errorCode = rawError && /^\d{1,10}$/.test(rawError) ? rawError : null;
    return this.db.transaction(tenantId, async (tx) => {
      const current = await this.sms.lock(tx, tenantId, smsId);
      if (!current) return this.ignore('callback for an unknown text', { message_sid: sid });
      const advanced = await this.sms.advance(tx, tenantId, smsId, status, sid, errorCode);
      if (!advanced) return this.ignore('duplicate or late callback: the text is already past it', { message_sid: sid, status, current: current.status });
      return { outcome: 'applied' as const };
    });
  }

  private ignore(reason: string, fields: Record<string, unknown>): WebhookOutcome {
    this.logger.info(fields, `sms status callback ignored: ${reason}`);
    return { outcome: 'ignored' };
  }
}
