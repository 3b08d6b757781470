import { Injectable } from '@nestjs/common';
import type { ActivityView, EventEnvelope } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { timeOrderedId, type Tx } from '@engage/database';
import { OutboxWriter } from '@engage/messaging';
import { ActivitiesRepository } from '../activities/activities.repository';
import { activityCreated } from '../activities/activity-events';
import { type TimelineEntry, usableTime } from './timeline-entries';

/** The context of work done because of `event`: its tenant, actor and request. */
export const eventContext = (event: EventEnvelope<unknown>): TenantContext => ({
  tenantId: event.tenant_id,
  userId: event.actor_id,
  role: null,
  requestId: event.request_id ?? event.id,
  traceparent: null,
  apiKeyId: null,
});

/**
 * Puts what another service's event says happened on the timeline, as exactly one activity keyed
 * by the event's id (a redelivery, a consumer restart or a replay of the stream writes nothing
 * more), announced by `evt.activity.created` in the same transaction. Every source of timeline
 * entries goes through here: the telephony and CRM consumers now, a mailbox sync's messages the
 * same way (an entry of type `email` per message event).
 */
@Injectable()
export class TimelineWriter {
  constructor(
    private readonly activities: ActivitiesRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The activity written, or null when the event was already recorded or its contact was erased. */
  async record(tx: Tx, event: EventEnvelope<unknown>, entry: TimelineEntry): Promise<ActivityView | null> {
    const occurredAt = entry.occurred_at ?? usableTime(event.occurred_at) ?? new Date().toISOString();
    return this.write(tx, eventContext(event), event.id, { ...entry, occurred_at: occurredAt });
  }

  /**
   * The same for what was not announced by an event (a synced mailbox's message): `sourceId` is
   * the entry's idempotency key, derived from what it records, so writing it again writes nothing.
   */
  async write(tx: Tx, ctx: TenantContext, sourceId: string, entry: TimelineEntry & { occurred_at: string }): Promise<ActivityView | null> {
    const activity = await this.activities.insert(tx, ctx.tenantId, timeOrderedId(), {
      ...entry,
      source_event_id: sourceId,
      due_at: null,
      assignee_id: null,
      done: null,
    });
    if (activity) await this.outbox.append(tx, ctx, [activityCreated(activity)]);
    return activity;
  }

  /** {@link write} for many entries in two statements (a page of a mailbox sync); the activities written. */
  async writeMany(tx: Tx, ctx: TenantContext, entries: ReadonlyArray<{ sourceId: string; entry: TimelineEntry & { occurred_at: string } }>): Promise<ActivityView[]> {
    const activities = await this.activities.insertMany(
      tx,
      ctx.tenantId,
      entries.map(({ sourceId, entry }) => ({ ...entry, id: timeOrderedId(), source_event_id: sourceId, due_at: null, assignee_id: null, done: null })),
    );
    await this.outbox.append(tx, ctx, activities.map(activityCreated));
    return activities;
  }
}
