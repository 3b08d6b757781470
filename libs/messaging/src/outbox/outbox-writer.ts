import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@engage/contracts';
import type { TenantContext } from '@engage/context';

export interface NewEvent<TPayload> {
  /** The JetStream subject, `evt.<service>.<entity>.<event>`; also the event type. */
  subject: string;
  aggregateType: string;
  aggregateId: string;
  /** The aggregate's version after this change. */
  version: number;
  payload: TPayload;
}

/**
 * Writes events into the service's outbox inside the caller's transaction, so the change and
 * its events commit or roll back together. The relay publishes them after commit.
 */
export class OutboxWriter {
  constructor(private readonly schema: string) {}

  async append<TPayload extends object>(
    tx: EntityManager,
    ctx: TenantContext,
    events: Array<NewEvent<TPayload>>,
  ): Promise<Array<EventEnvelope<TPayload>>> {
    if (events.length === 0) return [];
    const occurredAt = new Date().toISOString();
    const envelopes = events.map<EventEnvelope<TPayload>>((e) => ({
      id: randomUUID(),
      type: e.subject,
      tenant_id: ctx.tenantId,
      aggregate_type: e.aggregateType,
      aggregate_id: e.aggregateId,
      version: e.version,
      occurred_at: occurredAt,
      actor_id: ctx.userId,
      request_id: ctx.requestId,
      payload: e.payload,
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
