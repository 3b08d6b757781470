import { randomUUID } from 'node:crypto';
import type { EventEnvelope, Role } from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { createLogger } from '@engage/logging';
import { type EventHandlerOf, OutboxWriter, type ProcessOutcome } from '@engage/messaging';
import { deliverEvent, KitUsers, openServiceDatabase, outboxEvents } from '@engage/testing/kit';
import { ActivitiesRepository } from '../activities/activities.repository';
import { ActivitiesService } from '../activities/activities.service';
import { CrmRecords, type LinkField } from '../activities/crm-records';
import { activityServiceDefinition, SCHEMA } from '../database/definition';
import { CrmTimelineConsumer } from '../timeline/crm-timeline.consumer';
import { TelephonyTimelineConsumer } from '../timeline/telephony-timeline.consumer';
import { TimelineWriter } from '../timeline/timeline-writer';

/** Contacts, deals and companies standing in for crm-service: each exists in the tenant that made it, until removed. */
export class KitCrmRecords extends CrmRecords {
  private readonly records = new Map<string, { tenantId: string; field: LinkField }>();

  add(ctx: { tenantId: string }, field: LinkField, id: string = randomUUID()): string {
    this.records.set(id, { tenantId: ctx.tenantId, field });
    return id;
  }

  remove(id: string): void {
    this.records.delete(id);
  }

  async exists(ctx: RequestContext, field: LinkField, id: string): Promise<boolean> {
    const record = this.records.get(id);
    return !!record && record.tenantId === ctx.tenantId && record.field === field;
  }
}

/**
 * activity-service's services wired by hand against the real database as the runtime role (row-level
 * security applies), with crm-service and user-service standing in. Events are delivered through the
 * real durable-consumer path (inbox, versions, transaction) with the options the handlers declare.
 */
export async function startActivityKit() {
  const db = await openServiceDatabase(activityServiceDefinition, 8);
  const users = new KitUsers();
  const records = new KitCrmRecords();
  const outbox = new OutboxWriter(SCHEMA);
  const repository = new ActivitiesRepository(db);
  const activities = new ActivitiesService(db, repository, records, users, outbox);
  const timeline = new TimelineWriter(repository, outbox);
  const telephonyTimeline = new TelephonyTimelineConsumer(timeline);
  const crmTimeline = new CrmTimelineConsumer(timeline, repository);
  const logger = createLogger({ service: 'activity-int-spec', level: 'silent', sync: true });

  /** Delivers `envelope` to `handler` as JetStream would (see deliverEvent); `durable` stands for another consumer. */
  const deliver = <T>(instance: object, handler: EventHandlerOf<T>, envelope: EventEnvelope<T>, durable?: string): Promise<ProcessOutcome> =>
    deliverEvent({ db, schema: SCHEMA, logger }, instance, handler, envelope, durable);

  return {
    db,
    users,
    records,
    repository,
    activities,
    telephonyTimeline,
    crmTimeline,
    deliver,
    newTenant: (role?: Role) => users.newTenant(role),
    as: (ctx: TenantContext, role: Role, userId?: string) => users.as(ctx, role, userId),
    events: (tenantId: string) => outboxEvents(db, SCHEMA, tenantId),
    /** Every activity of the tenant, as rows (newest first). */
    rows: (tenantId: string) => db.transaction(tenantId, (tx) => tx.query(`SELECT * FROM activity.activities WHERE tenant_id = $1 ORDER BY occurred_at DESC, id DESC`, [tenantId])),
    close: () => db.close(),
  };
}

export type ActivityKit = Awaited<ReturnType<typeof startActivityKit>>;

export { envelopeOf } from '@engage/testing/kit';
