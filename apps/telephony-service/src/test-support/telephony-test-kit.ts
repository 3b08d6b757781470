import { randomBytes } from 'node:crypto';
import type { Role } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { OutboxWriter } from '@engage/messaging';
import { KitTenantModules, KitUsers, openServiceDatabase, outboxEvents } from '@engage/testing/kit';
import { ComplianceGate } from '../compliance/compliance-gate';
import { ComplianceRepository, type FrequencyCaps } from '../compliance/compliance.repository';
import { ComplianceService } from '../compliance/compliance.service';
import { SCHEMA, telephonyServiceDefinition } from '../database/definition';
import { createLogger } from '@engage/logging';
import { TwilioAccounts } from '../accounts/twilio-accounts';
import { TwilioAccountsRepository } from '../accounts/twilio-accounts.repository';
import { TwilioAccountsService } from '../accounts/twilio-accounts.service';
import { CallsRepository } from '../calls/calls.repository';
import { CallsService } from '../calls/calls.service';
import { TwilioVoice } from '../calls/twilio-voice';
import { VoiceCallbacksService } from '../calls/voice-callbacks.service';
import type { Clock } from '../compliance/clock';
import { TelephonyConfig } from '../config';
import { KitClock, KitContacts, KitDeviceUsers } from './kit-contacts';
import { BrowserCallsService } from '../calls/browser-calls.service';
import { RecordingsRepository } from '../recordings/recordings.repository';
import { RecordingsService } from '../recordings/recordings.service';
import { NationalDncCheck } from '../registry/national-dnc-check';
import { RegistryRepository } from '../registry/registry.repository';
import { RegistryService } from '../registry/registry.service';
import { type KitDncList, KitNationalDnc, KitPhoneContacts } from './kit-registry';
import { SmsCallbacksService } from '../sms/sms-callbacks.service';
import { SmsDispatcher } from '../sms/sms-dispatcher';
import { SmsInboundService } from '../sms/sms-inbound.service';
import { SmsRepository } from '../sms/sms.repository';
import { SmsService } from '../sms/sms.service';

/** Twilio settings for the kit: the stand-in's URL and credentials, and where callbacks are posted. */
export type KitTwilio = Pick<
  TelephonyConfig,
  'TWILIO_API_BASE_URL' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_WEBHOOK_BASE_URL' | 'TWILIO_FROM_NUMBER' | 'TWILIO_API_KEY_SID' | 'TWILIO_API_KEY_SECRET' | 'ENCRYPTION_KEY'
>;

/** The kit's key for sealing tenants' Twilio tokens (any 32 bytes; tests never compare it with production's). */
export const KIT_ENCRYPTION_KEY = randomBytes(32).toString('base64');

/**
 * telephony-service's services wired by hand against the real database as the runtime role (row-level
 * security applies), with contacts and the clock under the test's control. Each test makes its own tenant.
 */
export async function startTelephonyKit(twilioConfig: Partial<KitTwilio> = {}, poolSize = 12) {
  const db = await openServiceDatabase(telephonyServiceDefinition, poolSize);
  const users = new KitUsers();
  const contacts = new KitContacts();
  const clock = new KitClock();
  const modules = new KitTenantModules();
  const outbox = new OutboxWriter(SCHEMA);
  const complianceRepository = new ComplianceRepository(db);
  const registryRepository = new RegistryRepository(db);
  const gate = new ComplianceGate(complianceRepository, modules, db, outbox, new NationalDncCheck(registryRepository));
  // Numbers the specs dial (+1415…) need a current national scrub: the development list, dated today.
  const nationalDnc = new KitNationalDnc();
  await nationalDnc.loadDevelopmentList();
  const phoneContacts = new KitPhoneContacts();
  const registry = new RegistryService(registryRepository, phoneContacts, clock as Clock);
  const compliance = new ComplianceService(db, complianceRepository, contacts);
  const config = Object.assign(new TelephonyConfig(), { TWILIO_WEBHOOK_BASE_URL: 'http://127.0.0.1:9', ENCRYPTION_KEY: KIT_ENCRYPTION_KEY, ...twilioConfig });
  const twilio = new TwilioVoice(config);
  const logger = createLogger({ service: 'telephony-int-spec', level: 'silent', sync: true });
  const twilioAccountsRepository = new TwilioAccountsRepository(db);
  const twilioAccounts = new TwilioAccounts(twilioAccountsRepository, twilio, config, logger);
  const twilioAccountsService = new TwilioAccountsService(db, twilioAccountsRepository, twilioAccounts, twilio, outbox, logger);
  const callsRepository = new CallsRepository(db);
  const calls = new CallsService(db, callsRepository, gate, complianceRepository, contacts, twilio, twilioAccounts, outbox, clock as Clock);
  const voiceCallbacks = new VoiceCallbacksService(db, callsRepository, twilioAccounts, outbox, logger);
  const deviceUsers = new KitDeviceUsers();
  const browserCalls = new BrowserCallsService(db, callsRepository, calls, gate, contacts, deviceUsers, twilio, clock as Clock, logger);
  const recordings = new RecordingsService(db, callsRepository, new RecordingsRepository(db), twilio, twilioAccounts, logger);
  const smsRepository = new SmsRepository(db);
  const smsDispatcher = new SmsDispatcher(db, smsRepository, twilio, twilioAccounts, outbox);
  const sms = new SmsService(db, smsRepository, gate, contacts, twilio, smsDispatcher, clock as Clock);
  const smsCallbacks = new SmsCallbacksService(db, smsRepository, twilioAccounts, logger);
  const smsInbound = new SmsInboundService(db, smsRepository, complianceRepository, phoneContacts, smsDispatcher, twilio, twilioAccounts, outbox, logger);
  return {
    db,
    users,
    contacts,
    clock,
    modules,
    outbox,
    complianceRepository,
    gate,
    compliance,
    twilio,
    twilioAccounts,
    twilioAccountsRepository,
    twilioAccountsService,
    calls,
    callsRepository,
    voiceCallbacks,
    deviceUsers,
    browserCalls,
    recordings,
    smsRepository,
    sms,
    smsCallbacks,
    smsInbound,
    registryRepository,
    registry,
    phoneContacts,
    nationalDnc,
    newTenant: (role?: Role) => users.newTenant(role),
    as: (ctx: TenantContext, role: Role, userId?: string) => users.as(ctx, role, userId),
    setCaps: (ctx: TenantContext, caps: FrequencyCaps) => db.transaction(ctx.tenantId, (tx) => complianceRepository.setCaps(tx, ctx.tenantId, caps)),
    /** Grants consent of `type` for `phone`, as a rep ticking the box would. */
    grant: (ctx: TenantContext, phone: string, type: 'call' | 'sms' = 'call') => compliance.recordConsent(ctx, { phone, type, status: 'granted', source: 'test' }),
    events: (tenantId: string) => outboxEvents(db, SCHEMA, tenantId),
    /** Loads a national DNC list through the real import (see KitNationalDnc for picking prefixes). */
    loadNationalDnc: (list: KitDncList) => nationalDnc.load(list),
    close: () => db.close(),
  };
}

export type TelephonyKit = Awaited<ReturnType<typeof startTelephonyKit>>;
