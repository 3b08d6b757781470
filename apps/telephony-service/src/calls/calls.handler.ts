import { Payload } from '@nestjs/microservices';
import { CallIdCommand, CreateCallRequest, type EmptyRequest, ListCallsQuery, Subjects, TwilioWebhookCommand, UpdateCallCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { BrowserCallsService } from './browser-calls.service';
import { CallsService } from './calls.service';
import { VoiceCallbacksService } from './voice-callbacks.service';

@RpcController()
export class CallsHandler {
  constructor(
    private readonly service: CallsService,
    private readonly callbacks: VoiceCallbacksService,
    private readonly browser: BrowserCallsService,
  ) {}

  @Handles(Subjects.telephony.calls.token)
  token(@Payload() _input: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.browser.token(ctx);
  }

  /** Public provider webhook (TwiML for browser calls): the signature is the authentication. */
  @Handles(Subjects.telephony.webhooks.voice)
  voice(@Payload() input: TwilioWebhookCommand) {
    return this.browser.connect(input);
  }

  @Handles(Subjects.telephony.calls.create)
  create(@Payload() input: CreateCallRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.telephony.calls.get)
  get(@Payload() input: CallIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @Handles(Subjects.telephony.calls.list)
  list(@Payload() query: ListCallsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @Handles(Subjects.telephony.calls.update)
  update(@Payload() input: UpdateCallCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @Handles(Subjects.telephony.calls.hangup)
  hangup(@Payload() input: CallIdCommand, @Caller() ctx: RequestContext) {
    return this.service.hangup(ctx, input.id);
  }

  /** Public provider callback: no caller context; the signature is the authentication. */
  @Handles(Subjects.telephony.webhooks.voiceStatus)
  voiceStatus(@Payload() input: TwilioWebhookCommand) {
    return this.callbacks.applyStatus(input);
  }
}
