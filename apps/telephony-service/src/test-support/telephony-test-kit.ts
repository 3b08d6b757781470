import type { Role } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { OutboxWriter } from '@engage/messaging';
import { KitUsers, openServiceDatabase, outboxEvents } from '@engage/testing/kit';
import { ComplianceGate } from '../compliance/compliance-gate';
import { ComplianceRepository, type FrequencyCaps } from '../compliance/compliance.repository';
import { ComplianceService } from '../compliance/compliance.service';
import { SCHEMA, telephonyServiceDefinition } from '../database/definition';
import { createLogger } from '@engage/logging';
import { CallsRepository } from '../calls/calls.repository';
import { CallsService } from '../calls/calls.service';
import { TwilioVoice } from '../calls/twilio-voice';
import { VoiceCallbacksService } from '../calls/voice-callbacks.service';
import type { Clock } from '../compliance/clock';
import { TelephonyConfig } from '../config';
import { KitClock, KitContacts } from './kit-contacts';

/** Twilio settings for the kit: the stand-in's URL and credentials, and where callbacks are posted. */
export type KitTwilio = Pick<TelephonyConfig, 'TWILIO_API_BASE_URL' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_WEBHOOK_BASE_URL' | 'TWILIO_FROM_NUMBER'>;

/**
 * telephony-service's services wired by hand against the real database as the runtime role (row-level
 * security applies), with contacts and the clock under the test's control. Each test makes its own tenant.
 */
export async function startTelephonyKit(twilioConfig: Partial<KitTwilio> = {}, poolSize = 12) {
  const db = await openServiceDatabase(telephonyServiceDefinition, poolSize);
  const users = new KitUsers();
  const contacts = new KitContacts();
  const clock = new KitClock();
  const outbox = new OutboxWriter(SCHEMA);
  const complianceRepository = new ComplianceRepository(db);
  const gate = new ComplianceGate(complianceRepository);
  const compliance = new ComplianceService(db, complianceRepository, contacts);
  const twilio = new TwilioVoice(Object.assign(new TelephonyConfig(), { TWILIO_WEBHOOK_BASE_URL: 'http://127.0.0.1:9', ...twilioConfig }));
  const callsRepository = new CallsRepository(db);
  const calls = new CallsService(db, callsRepository, gate, complianceRepository, contacts, twilio, outbox, clock as Clock);
  const voiceCallbacks = new VoiceCallbacksService(db, callsRepository, twilio, outbox, createLogger({ service: 'telephony-int-spec', level: 'silent', sync: true }));
  return {
    db,
    users,
    contacts,
    clock,
    outbox,
    complianceRepository,
    gate,
    compliance,
    twilio,
    calls,
    callsRepository,
    voiceCallbacks,
    newTenant: (role?: Role) => users.newTenant(role),
    as: (ctx: TenantContext, role: Role, userId?: string) => users.as(ctx, role, userId),
    setCaps: (ctx: TenantContext, caps: FrequencyCaps) => db.transaction(ctx.tenantId, (tx) => complianceRepository.setCaps(tx, ctx.tenantId, caps)),
    /** Grants consent of `type` for `phone`, as a rep ticking the box would. */
    grant: (ctx: TenantContext, phone: string, type: 'call' | 'sms' = 'call') => compliance.recordConsent(ctx, { phone, type, status: 'granted', source: 'test' }),
    events: (tenantId: string) => outboxEvents(db, SCHEMA, tenantId),
    close: () => db.close(),
  };
}

export type TelephonyKit = Awaited<ReturnType<typeof startTelephonyKit>>;
