import { Payload } from '@nestjs/microservices';
import { ConnectTwilioAccountRequest, CreateTwilioSubaccountRequest, type EmptyRequest, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { TwilioAccountsService } from './twilio-accounts.service';

@RpcController()
export class TwilioAccountsHandler {
  constructor(private readonly service: TwilioAccountsService) {}

  @Handles(Subjects.telephony.twilioAccount.get)
  get(@Payload() _input: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.service.get(ctx);
  }

  @Handles(Subjects.telephony.twilioAccount.connect)
  connect(@Payload() input: ConnectTwilioAccountRequest, @Caller() ctx: RequestContext) {
    return this.service.connect(ctx, input);
  }

  @Handles(Subjects.telephony.twilioAccount.createSubaccount)
  createSubaccount(@Payload() input: CreateTwilioSubaccountRequest, @Caller() ctx: RequestContext) {
    return this.service.createSubaccount(ctx, input);
  }

  @Handles(Subjects.telephony.twilioAccount.disconnect)
  disconnect(@Payload() _input: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.service.disconnect(ctx);
  }
}
