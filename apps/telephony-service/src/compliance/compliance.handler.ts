import { Payload } from '@nestjs/microservices';
import { AddDncRequest, DncPhoneCommand, ListConsentsQuery, ListDncQuery, RecordConsentRequest, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { ComplianceService } from './compliance.service';

@RpcController()
export class ComplianceHandler {
  constructor(private readonly service: ComplianceService) {}

  @Handles(Subjects.telephony.consents.record)
  recordConsent(@Payload() input: RecordConsentRequest, @Caller() ctx: RequestContext) {
    return this.service.recordConsent(ctx, input);
  }

  @Handles(Subjects.telephony.consents.list)
  listConsents(@Payload() query: ListConsentsQuery, @Caller() ctx: RequestContext) {
    return this.service.listConsents(ctx, query);
  }

  @Handles(Subjects.telephony.dnc.add)
  addDnc(@Payload() input: AddDncRequest, @Caller() ctx: RequestContext) {
    return this.service.addDnc(ctx, input);
  }

  @Handles(Subjects.telephony.dnc.list)
  listDnc(@Payload() query: ListDncQuery, @Caller() ctx: RequestContext) {
    return this.service.listDnc(ctx, query);
  }

  @Handles(Subjects.telephony.dnc.remove)
  removeDnc(@Payload() input: DncPhoneCommand, @Caller() ctx: RequestContext) {
    return this.service.removeDnc(ctx, input.phone);
  }
}
