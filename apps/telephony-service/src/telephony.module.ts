import { Module } from '@nestjs/common';
import { ComplianceGate } from './compliance/compliance-gate';
import { ComplianceHandler } from './compliance/compliance.handler';
import { ComplianceRepository } from './compliance/compliance.repository';
import { ComplianceService } from './compliance/compliance.service';
import { Clock } from './compliance/clock';
import { ContactDirectory, CrmContactDirectory } from './compliance/contact-directory';

/** Telephony: the compliance gate with its ledger and DNC list, and the calls it lets through. */
@Module({
  controllers: [ComplianceHandler],
  providers: [ComplianceRepository, ComplianceGate, ComplianceService, Clock, { provide: ContactDirectory, useClass: CrmContactDirectory }],
})
export class TelephonyModule {}
