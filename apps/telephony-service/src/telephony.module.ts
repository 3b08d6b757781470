import { Module } from '@nestjs/common';
import { TwilioAccounts } from './accounts/twilio-accounts';
import { TwilioAccountsHandler } from './accounts/twilio-accounts.handler';
import { TwilioAccountsRepository } from './accounts/twilio-accounts.repository';
import { TwilioAccountsService } from './accounts/twilio-accounts.service';
import { BrowserCallsService } from './calls/browser-calls.service';
import { CallsHandler } from './calls/calls.handler';
import { CallsRepository } from './calls/calls.repository';
import { CallsService } from './calls/calls.service';
import { TwilioVoice } from './calls/twilio-voice';
import { DeviceUsers, IdentityDeviceUsers } from './calls/device-users';
import { VoiceCallbacksService } from './calls/voice-callbacks.service';
import { ComplianceGate } from './compliance/compliance-gate';
import { ComplianceHandler } from './compliance/compliance.handler';
import { ComplianceRepository } from './compliance/compliance.repository';
import { ComplianceService } from './compliance/compliance.service';
import { Clock } from './compliance/clock';
import { ContactDirectory, CrmContactDirectory } from './compliance/contact-directory';
import { IdentityTenantModules, TenantModules } from '@engage/access';
import { RecordingsHandler } from './recordings/recordings.handler';
import { RecordingsRepository } from './recordings/recordings.repository';
import { RecordingsService } from './recordings/recordings.service';
import { NationalDncCheck } from './registry/national-dnc-check';
import { CrmPhoneContacts, PhoneContacts } from './registry/phone-contacts';
import { RegistryHandler } from './registry/registry.handler';
import { RegistryRepository } from './registry/registry.repository';
import { RegistryService } from './registry/registry.service';
import { SmsCallbacksService } from './sms/sms-callbacks.service';
import { SmsDispatcher } from './sms/sms-dispatcher';
import { SmsInboundService } from './sms/sms-inbound.service';
import { SmsHandler } from './sms/sms.handler';
import { SmsRepository } from './sms/sms.repository';
import { SmsService } from './sms/sms.service';

/** Telephony: the compliance gate with its ledger and DNC list, and the calls it lets through. */
@Module({
  controllers: [ComplianceHandler, CallsHandler, RecordingsHandler, RegistryHandler, SmsHandler, TwilioAccountsHandler],
  providers: [
    ComplianceRepository,
    ComplianceGate,
    ComplianceService,
    Clock,
    { provide: ContactDirectory, useClass: CrmContactDirectory },
    { provide: TenantModules, useClass: IdentityTenantModules },
    TwilioVoice,
    TwilioAccountsRepository,
    TwilioAccounts,
    TwilioAccountsService,
    CallsRepository,
    CallsService,
    VoiceCallbacksService,
    { provide: DeviceUsers, useClass: IdentityDeviceUsers },
    BrowserCallsService,
    RecordingsRepository,
    RecordingsService,
    RegistryRepository,
    NationalDncCheck,
    RegistryService,
    { provide: PhoneContacts, useClass: CrmPhoneContacts },
    SmsRepository,
    SmsDispatcher,
    SmsService,
    SmsCallbacksService,
    SmsInboundService,
  ],
})
export class TelephonyModule {}
