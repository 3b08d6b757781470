import { Inject, Injectable } from '@nestjs/common';
import { type CallStatus, CallStatuses, FinalCallStatuses, type TwilioWebhookCommand, type WebhookOutcome } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { type Logger } from '@engage/logging';
import { OutboxWriter } from '@engage/messaging';
import { LOGGER } from '@engage/service-runtime';
import { assertSignature, callbackIds } from '../accounts/callback-signature';
import { TwilioAccounts } from '../accounts/twilio-accounts';
import { transitionEvents } from './call-events';
import { CallsRepository } from './calls.repository';
import { VOICE_STATUS_PATH } from './calls.service';

/** What the rep's leg may tell about the call: it never rang through to the contact. */
const REP_LEG_ENDINGS: readonly CallStatus[] = ['busy', 'no-answer', 'failed', 'canceled'];

/**
 * Twilio's voice status callbacks (`POST /webhooks/twilio/voice/status`, forwarded by the gateway).
 * Each is checked against Twilio's signature over the public URL it was posted to (which carries the
 * tenant and call ids we gave Twilio, so they are signed too), with the token of that tenant's Twilio
 * account (the one that placed the call), recorded once per
 * (CallSid, CallStatus, SequenceNumber), and applied only if it moves the call forward.
 */
@Injectable()
export class VoiceCallbacksService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly calls: CallsRepository,
    private readonly accounts: TwilioAccounts,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async applyStatus(input: TwilioWebhookCommand): Promise<WebhookOutcome> {
    assertSignature(await this.accounts.isSignedFor(input), this.logger, 'voice status callback', input);
    const ids = callbackIds(input.url, VOICE_STATUS_PATH, 'call');
    const leg = ids?.query.get('leg');
    const { CallSid: sid, CallStatus: rawStatus } = input.params;
    const sequence = Number(input.params.SequenceNumber ?? 0);
    if (!ids || (leg !== 'rep' && leg !== 'contact') || !sid || !Number.isInteger(sequence)) {
      return this.ignore('callback for no call of ours', { call_sid: sid });
    }
    const { tenantId, id: callId } = ids;
    if (!CallStatuses.includes(rawStatus as CallStatus)) return this.ignore('unknown CallStatus', { call_sid: sid, status: rawStatus });
    const status = rawStatus as CallStatus;
    const ctx = systemContext({ tenantId }) as TenantContext;
    return this.db.transaction(tenantId, async (tx) => {
      // Recorded first, without touching the call row: a duplicate (Twilio retries, parallel
      // replays) ends here, and never waits behind the transition that is applying its twin.
      if (!(await this.calls.recordCallback(tx, tenantId, callId, sid, status, sequence))) {
        return this.ignore('duplicate callback, or one for an unknown call', { call_sid: sid, status }, 'debug');
      }
      const current = await this.calls.lock(tx, tenantId, callId);
      if (!current) return this.ignore('callback for an unknown call', { call_sid: sid });
      const target = leg === 'contact' ? status : repLegTarget(status);
      if (leg === 'contact') await this.calls.setContactCallSid(tx, tenantId, callId, sid);
      if (!target) return { outcome: 'ignored' as const };
      const final = FinalCallStatuses.includes(target);
      const duration = final && input.params.CallDuration !== undefined ? Number(input.params.CallDuration) : null;
      const call = await this.calls.advance(tx, tenantId, callId, target, final, Number.isFinite(duration) ? duration : null);
      if (!call) return this.ignore('late callback: the call is already past it', { call_sid: sid, status, current: current.status });
      await this.outbox.append(tx, ctx, transitionEvents(call, current.status, final));
      return { outcome: 'applied' as const };
    });
  }

  private ignore(reason: string, fields: Record<string, unknown>, level: 'info' | 'debug' = 'info'): WebhookOutcome {
    this.logger[level](fields, `voice status callback ignored: ${reason}`);
    return { outcome: 'ignored' };
  }
}

/**
 * The rep's leg rings first. Its `initiated` starts the call; a busy, unanswered, failed or
 * canceled rep leg means the contact was never dialled, so the call ends with that status. Its
 * ringing, answer and completion say nothing about the contact and leave the call as it is.
 */
function repLegTarget(status: CallStatus): CallStatus | null {
  if (status === 'initiated') return 'initiated';
  return REP_LEG_ENDINGS.includes(status) ? status : null;
}
