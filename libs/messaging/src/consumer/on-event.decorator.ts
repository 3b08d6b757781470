import { SetMetadata } from '@nestjs/common';
import type { EventEnvelope, EventSubject } from '@engage/contracts';
import type { Tx } from '@engage/database';

export const ON_EVENT = Symbol('engage:on-event');

export interface OnEventOptions {
  /**
   * The durable consumer's name, one per purpose (`activity-contact-merged`): replicas of the
   * service share it, and it keys the inbox rows that make the handler idempotent.
   */
  durable: string;
  /** Deliveries before the event is dead-lettered (default 5). */
  maxDeliver?: number;
  ackWaitMs?: number;
  /** `every` handles each event once whatever its aggregate version (see DurableConsumerOptions.versions). */
  versions?: 'latest' | 'every';
  /** Events processed at once (see DurableConsumerOptions.concurrency; default 1, in stream order). */
  concurrency?: number;
  /** Events of one tenant applied in one transaction, at most this many (see DurableConsumerOptions.batch). */
  batch?: number;
  /** With batch and concurrency: which events wait for each other, `tenant` (default), `aggregate` or `none` (see DurableConsumerOptions.order). */
  order?: 'tenant' | 'aggregate' | 'none';
}

export interface OnEventMetadata extends OnEventOptions {
  event: EventSubject<unknown>;
}

/** What a handler of event `E` looks like: the effect, inside the transaction that records the event. */
export type EventHandlerOf<TPayload> = (tx: Tx, event: EventEnvelope<TPayload>) => Promise<void>;

/**
 * Makes a provider method a durable, idempotent consumer of one event. The messaging lib owns the
 * rest: the pull loop, the inbox row written in the same transaction as the handler's effect (so
 * a redelivered event changes nothing twice), stale-version checks, retries with back-off, the
 * dead letter after the last try, and draining on shutdown. The handler receives the event's
 * typed payload; a handler written for another event's payload does not compile.
 */
export const OnEvent =
  <TPayload>(event: EventSubject<TPayload>, options: OnEventOptions) =>
  <M extends EventHandlerOf<TPayload>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    SetMetadata<symbol, OnEventMetadata>(ON_EVENT, { ...options, event: event as EventSubject<unknown> })(target, key, descriptor);
  };
