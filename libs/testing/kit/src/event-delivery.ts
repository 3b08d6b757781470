import { randomUUID } from 'node:crypto';
import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { EventEnvelope, EventSubject } from '@engage/contracts';
import type { TenantDatabase } from '@engage/database';
import type { Logger } from '@engage/logging';
import { DurableConsumer, encodeJson, type EventHandlerOf, ON_EVENT, type OnEventMetadata, type ProcessOutcome } from '@engage/messaging';

/** An event envelope as a publishing service's outbox writes it. */
export function envelopeOf<T>(event: EventSubject<T>, tenantId: string, payload: T, fields: Partial<EventEnvelope<T>> = {}): EventEnvelope<T> {
  return {
    id: randomUUID(),
    type: event.subject,
    tenant_id: tenantId,
    aggregate_type: event.aggregate,
    aggregate_id: randomUUID(),
    version: 1,
    occurred_at: new Date().toISOString(),
    actor_id: null,
    request_id: randomUUID(),
    payload,
    ...fields,
  };
}

/** A JetStream message as a durable consumer receives it (only what DurableConsumer.process reads). */
function deliveredMessage(envelope: EventEnvelope<unknown>): { msg: JsMsg; acked: () => boolean } {
  let acked = false;
  const msg = {
    subject: envelope.type,
    data: encodeJson(envelope),
    info: { redeliveryCount: 1 },
    ack: () => {
      acked = true;
    },
    nak: () => undefined,
    term: () => undefined,
  } as unknown as JsMsg;
  return { msg, acked: () => acked };
}

/**
 * Delivers `envelope` to an @OnEvent `handler` of `instance` as JetStream would, through the real
 * durable-consumer path (inbox, versions, transaction) with the options the handler declares, in
 * the service's database and schema. `durable` stands for another consumer name (e.g. one whose
 * inbox has forgotten everything, as after a replay of the stream past the inbox's retention).
 */
export async function deliverEvent<T>(
  service: { db: TenantDatabase; schema: string; logger: Logger },
  instance: object,
  handler: EventHandlerOf<T>,
  envelope: EventEnvelope<T>,
  durable?: string,
): Promise<ProcessOutcome> {
  const meta = Reflect.getMetadata(ON_EVENT, handler) as OnEventMetadata | undefined;
  if (!meta) throw new Error('not an @OnEvent handler');
  const consumes = meta.event.subject.endsWith('.>') ? envelope.type.startsWith(meta.event.subject.slice(0, -1)) : meta.event.subject === envelope.type;
  if (!consumes) throw new Error(`${meta.durable} consumes ${meta.event.subject}, not ${envelope.type}`);
  const consumer = new DurableConsumer<T>({
    name: durable ?? meta.durable,
    stream: 'unused',
    filterSubject: meta.event.subject,
    versions: meta.versions,
    schema: service.schema,
    db: service.db,
    js: {} as JetStreamClient,
    jsm: {} as JetStreamManager,
    logger: service.logger,
    handle: (tx, event) => handler.call(instance, tx, event),
  });
  const { msg, acked } = deliveredMessage(envelope);
  const outcome = await consumer.process(msg);
  if (outcome !== 'retry' && !acked()) throw new Error('the event was not acknowledged');
  return outcome;
}
