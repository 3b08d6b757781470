// The one place that may register a NATS handler directly: every other handler goes through @Handles.
// eslint-disable-next-line no-restricted-imports
import { MessagePattern } from '@nestjs/microservices';
import type { ReplyOf, RequestOf, RpcSubject } from '@engage/contracts';
import type { RequestContext } from '@engage/context';

/** What a handler of `S` may look like: it takes the subject's request and gives its reply. */
export type HandlerOf<S> = (payload: RequestOf<S>, ctx: RequestContext) => ReplyOf<S> | Promise<ReplyOf<S>>;

/**
 * Marks a method as the handler of a request subject (on an `@RpcController()` class). The
 * subject's types are checked against the method: a handler that returns another reply than the
 * subject promises, or takes an unrelated payload, does not compile. Parameters are still bound
 * with `@Payload()` and `@Caller()`.
 */
export const Handles =
  <S extends RpcSubject<never, unknown>>(subject: S) =>
  <M extends HandlerOf<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    MessagePattern(subject.subject)(target, key, descriptor);
  };
