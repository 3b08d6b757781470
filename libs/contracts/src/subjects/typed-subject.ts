/**
 * Subjects that carry their types. A request subject knows the payload it takes and the reply it
 * gives; an event subject knows its payload and the aggregate it describes. Callers, handlers,
 * the outbox and event consumers all take these objects instead of bare strings, so a request
 * with the wrong payload, a reply read as the wrong type, or an event appended with a payload of
 * another event is a compile error rather than a bug found in production.
 *
 * The type parameters live only in the type system (the phantom fields are never set); at run
 * time a subject is just `{ subject }`.
 */
declare const requestType: unique symbol;
declare const replyType: unique symbol;
declare const payloadType: unique symbol;

export interface RpcSubject<TRequest, TReply> {
  readonly subject: string;
  readonly [requestType]?: (request: TRequest) => void;
  readonly [replyType]?: () => TReply;
}

export interface EventSubject<TPayload> {
  /** `evt.<service>.<entity>.<event>`: the JetStream subject and the event's `type`. */
  readonly subject: string;
  /** The kind of record the event is about (`contact`, `user`…), the envelope's `aggregate_type`. */
  readonly aggregate: string;
  readonly [payloadType]?: (payload: TPayload) => TPayload;
}

/** A request with no payload fields. */
export type EmptyRequest = Record<string, never>;

export type RequestOf<S> = S extends RpcSubject<infer TRequest, unknown> ? TRequest : never;
export type ReplyOf<S> = S extends RpcSubject<never, infer TReply> ? TReply : never;
export type PayloadOf<E> = E extends EventSubject<infer TPayload> ? TPayload : never;

export const rpcSubject = <TRequest, TReply>(subject: string): RpcSubject<TRequest, TReply> => ({ subject });

export const eventSubject = <TPayload>(subject: string, aggregate: string): EventSubject<TPayload> => ({ subject, aggregate });
