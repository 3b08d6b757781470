import { Payload } from '@nestjs/microservices';
import { ConnectGmailRequest, EmailBodyCommand, type EmptyRequest, GmailPushCommand, Subjects, UpdateGmailSettingsRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { GmailConnectionsService } from './gmail-connections.service';
import { GmailSettingsService } from './gmail-settings.service';

@RpcController()
export class GmailHandler {
  constructor(
    private readonly service: GmailConnectionsService,
    private readonly settings: GmailSettingsService,
  ) {}

  @Handles(Subjects.activity.gmail.get)
  get(@Payload() _input: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.service.get(ctx);
  }

  @Handles(Subjects.activity.gmail.authorizeUrl)
  authorizeUrl(@Payload() _input: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.service.authorizeUrl(ctx);
  }

  @Handles(Subjects.activity.gmail.connect)
  connect(@Payload() input: ConnectGmailRequest, @Caller() ctx: RequestContext) {
    return this.service.connect(ctx, input);
  }

  @Handles(Subjects.activity.gmail.disconnect)
  disconnect(@Payload() _input: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.service.disconnect(ctx);
  }

  @Handles(Subjects.activity.gmail.push)
  push(@Payload() input: GmailPushCommand) {
    return this.service.push(input.token, input.body);
  }

  @Handles(Subjects.activity.gmail.settings)
  getSettings(@Payload() _input: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.settings.get(ctx);
  }

  @Handles(Subjects.activity.gmail.updateSettings)
  updateSettings(@Payload() input: UpdateGmailSettingsRequest, @Caller() ctx: RequestContext) {
    return this.settings.update(ctx, input);
  }

  @Handles(Subjects.activity.gmail.body)
  body(@Payload() input: EmailBodyCommand, @Caller() ctx: RequestContext) {
    return this.settings.body(ctx, input.activity_id);
  }
}
