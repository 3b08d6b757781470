import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventSubject } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import type { Tx } from '@engage/database';

/** One event to append: built by {@link outboxEvent}, which checks the payload against the event. */
export interface NewEvent {
  readonly subject: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** The aggregate's version after this change (0 for events that carry no aggregate state). */
  readonly version: number;
  readonly payload: object;
}

/**
 * An event for the outbox: `Events.crm.contactCreated` fixes the subject, the aggregate type and
 * the payload's type, so a payload of another event does not compile.
 */
export const outboxEvent = <TPayload extends object>(
  event: EventSubject<TPayload>,
  fields: { aggregateId: string; version: number; payload: NoInfer<TPayload> },
): NewEvent => ({ subject: event.subject, aggregateType: event.aggregate, ...fields });

/**
 * Writes events into the service's outbox inside the caller's transaction, so the change and
 * its events commit or roll back together. The relay publishes them after commit.
 */
export class OutboxWriter {
  constructor(private readonly schema: string) {}

  async append(tx: Tx, ctx: TenantContext, events: readonly NewEvent[]): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const occurredAt = new Date().toISOString();
    const envelopes = events.map<EventEnvelope>((e) => ({
      id: randomUUID(),
      type: e.subject,
      tenant_id: ctx.tenantId,
      aggregate_type: e.aggregateType,
      aggregate_id: e.aggregateId,
      version: e.version,
      occurred_at: occurredAt,
      actor_id: ctx.userId,
      request_id: ctx.requestId,
      payload: e.payload as Record<string, unknown>,
    }));
    const values: unknown[] = [];
    const tuples = envelopes.map((env, i) => {
      values.push(env.id, env.tenant_id, env.type, JSON.stringify(env), ctx.traceparent);
      const o = i * 5;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}::jsonb, $${o + 5})`;
    });
    await tx.query(
      `INSERT INTO ${this.schema}.outbox (id, tenant_id, subject, envelope, traceparent) VALUES ${tuples.join(', ')}`,
      values,
    );
    return envelopes;
  }
}
