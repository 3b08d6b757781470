import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { BaseRpcContext } from '@nestjs/microservices';
import type { RequestContext } from '@engage/context';

/** What an RPC handler receives as its transport context: the caller's {@link RequestContext}. */
export class NatsRpcContext extends BaseRpcContext<[RequestContext, string]> {
  get requestContext(): RequestContext {
    return this.args[0];
  }
  get subject(): string {
    return this.args[1];
  }
}

/** Handler parameter decorator: `@Caller() ctx: RequestContext`. */
export const Caller = createParamDecorator(
  (_data: unknown, host: ExecutionContext): RequestContext => host.switchToRpc().getContext<NatsRpcContext>().requestContext,
);
