import { Payload } from '@nestjs/microservices';
import { type EmptyRequest, type ReadStreamRequest, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { UserStreams } from './user-streams';

/** What the gateway asks of a user's stream: always the caller's own (ctx.tenantId, ctx.userId). */
@RpcController()
export class StreamHandler {
  constructor(private readonly streams: UserStreams) {}

  @Handles(Subjects.notification.stream.read)
  read(@Payload() input: ReadStreamRequest, @Caller() ctx: RequestContext) {
    return this.streams.read(ctx, input);
  }

  @Handles(Subjects.notification.stream.latest)
  latest(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.streams.latest(ctx);
  }
}
