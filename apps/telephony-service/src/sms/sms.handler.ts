import { Payload } from '@nestjs/microservices';
import { ListSmsQuery, SendSmsRequest, Subjects, TwilioWebhookCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { SmsCallbacksService } from './sms-callbacks.service';
import { SmsInboundService } from './sms-inbound.service';
import { SmsService } from './sms.service';

@RpcController()
export class SmsHandler {
  constructor(
    private readonly service: SmsService,
    private readonly callbacks: SmsCallbacksService,
    private readonly inbound: SmsInboundService,
  ) {}

  @Handles(Subjects.telephony.sms.send)
  send(@Payload() input: SendSmsRequest, @Caller() ctx: RequestContext) {
    return this.service.send(ctx, input);
  }

  @Handles(Subjects.telephony.sms.list)
  list(@Payload() query: ListSmsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  /** Public provider callback: no caller context; the signature is the authentication. */
  @Handles(Subjects.telephony.webhooks.smsStatus)
  smsStatus(@Payload() input: TwilioWebhookCommand) {
    return this.callbacks.applyStatus(input);
  }

  /** Public provider callback: the tenant comes from the receiving number, never from the caller. */
  @Handles(Subjects.telephony.webhooks.smsInbound)
  smsInbound(@Payload() input: TwilioWebhookCommand) {
    return this.inbound.receive(input);
  }
}
