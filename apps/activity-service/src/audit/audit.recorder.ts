import { Injectable } from '@nestjs/common';
import { type EventEnvelope, everyEventOf } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { OnEvent } from '@engage/messaging';
import { redact } from './audit-chain';
import { AuditRepository } from './audit.repository';

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns every domain event of every service into one audit entry. The services' events are their
 * audit records: each is written in the same transaction as the change it describes (the outbox),
 * names the actor, the tenant, the record, the action and the request, and carries the record as
 * it became (with the changed fields, and the previous values where the event has them). One
 * durable consumer per service stream, handling every event whatever its aggregate version, so a
 * redelivered event is recorded once and an out-of-order one is still recorded. Under load a
 * tenant's queued events are appended together, up to 16 in one transaction (one chain lock, one
 * commit).
 */
@Injectable()
export class AuditRecorder {
  constructor(private readonly audit: AuditRepository) {}

  @OnEvent(everyEventOf('user'), { durable: 'activity-audit-user', versions: 'every', batch: 16, concurrency: 4 })
  onUserEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.record(tx, event);
  }

  @OnEvent(everyEventOf('crm'), { durable: 'activity-audit-crm', versions: 'every', batch: 16, concurrency: 4 })
  onCrmEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.record(tx, event);
  }

  @OnEvent(everyEventOf('telephony'), { durable: 'activity-audit-telephony', versions: 'every', batch: 16, concurrency: 4 })
  onTelephonyEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.record(tx, event);
  }

  @OnEvent(everyEventOf('activity'), { durable: 'activity-audit-activity', versions: 'every', batch: 16, concurrency: 4 })
  onActivityEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.record(tx, event);
  }

  @OnEvent(everyEventOf('notification'), { durable: 'activity-audit-notification', versions: 'every', batch: 16, concurrency: 4 })
  onNotificationEvent(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    return this.record(tx, event);
  }

  /** One entry for one event (a second delivery of the same event id appends nothing). */
  async record(tx: Tx, event: EventEnvelope<Record<string, unknown>>): Promise<void> {
    const [, prefix, ...action] = event.type.split('.');
    const payload = redact(event.payload ?? {}) as Record<string, unknown>;
    const changes = (await this.withPrevious(tx, event, payload)) ?? payload;
    await this.audit.append(tx, {
      tenant_id: event.tenant_id,
      id: event.id,
      occurred_at: new Date(event.occurred_at).toISOString(),
      actor_id: event.actor_id && UUID.test(event.actor_id) ? event.actor_id : null,
      service: `${prefix}-service`,
      entity: event.aggregate_type,
      entity_id: String(event.aggregate_id),
      action: action.join('.'),
      request_id: event.request_id ?? null,
      source_event_id: event.id,
      changes,
    });
  }

  /**
   * An update event names its changed fields and carries the record as it became (`changed` and
   * `contact`/`deal`/…). The record as it was is what the previous entry for the same record
   * carried, so the entry adds `before` and `after` of just the changed fields. Null when the event
   * is not of that shape; `before` is null for a field no earlier entry shows.
   */
  private async withPrevious(tx: Tx, event: EventEnvelope<Record<string, unknown>>, payload: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    const changed = payload.changed;
    const snapshot = payload[event.aggregate_type];
    if (!Array.isArray(changed) || !isRecord(snapshot)) return null;
    const previous = await this.audit.latestChangesOf(tx, event.tenant_id, event.aggregate_type, String(event.aggregate_id));
    const before = previous && isRecord(previous[event.aggregate_type]) ? (previous[event.aggregate_type] as Record<string, unknown>) : {};
    const fields = changed.filter((f): f is string => typeof f === 'string');
    return {
      ...payload,
      before: Object.fromEntries(fields.map((f) => [f, before[f] ?? null])),
      after: Object.fromEntries(fields.map((f) => [f, snapshot[f] ?? null])),
    };
  }
}
