import { Payload } from '@nestjs/microservices';
import { ConnectGmailRequest, type EmptyRequest, GmailPushCommand, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { GmailConnectionsService } from './gmail-connections.service';

@RpcController()
export class GmailHandler {
  constructor(private readonly service: GmailConnectionsService) {}

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
}
