import { Module } from '@nestjs/common';
import { CallsHandler } from './calls/calls.handler';
import { CallsRepository } from './calls/calls.repository';
import { CallsService } from './calls/calls.service';
import { TwilioVoice } from './calls/twilio-voice';
import { VoiceCallbacksService } from './calls/voice-callbacks.service';
import { ComplianceGate } from './compliance/compliance-gate';
import { ComplianceHandler } from './compliance/compliance.handler';
import { ComplianceRepository } from './compliance/compliance.repository';
import { ComplianceService } from './compliance/compliance.service';
import { Clock } from './compliance/clock';
import { ContactDirectory, CrmContactDirectory } from './compliance/contact-directory';

/** Telephony: the compliance gate with its ledger and DNC list, and the calls it lets through. */
@Module({
  controllers: [ComplianceHandler, CallsHandler],
  providers: [
    ComplianceRepository,
    ComplianceGate,
    ComplianceService,
    Clock,
    { provide: ContactDirectory, useClass: CrmContactDirectory },
    TwilioVoice,
    CallsRepository,
    CallsService,
    VoiceCallbacksService,
  ],
})
export class TelephonyModule {}
