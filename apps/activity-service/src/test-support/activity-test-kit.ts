import { randomUUID } from 'node:crypto';
import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { EventEnvelope, EventSubject, Role } from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { createLogger } from '@engage/logging';
import { DurableConsumer, encodeJson, type EventHandlerOf, ON_EVENT, type OnEventMetadata, OutboxWriter, type ProcessOutcome } from '@engage/messaging';
import { KitUsers, openServiceDatabase, outboxEvents } from '@engage/testing/kit';
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

/** A JetStream message as a durable consumer receives it (only what DurableConsumer.process reads). */
function deliveredMessage(envelope: EventEnvelope<unknown>, deliveries = 1): { msg: JsMsg; acked: () => boolean } {
  let acked = false;
  const msg = {
    subject: envelope.type,
    data: encodeJson(envelope),
    info: { redeliveryCount: deliveries },
    ack: () => {
      acked = true;
    },
    nak: () => undefined,
    term: () => undefined,
  } as unknown as JsMsg;
  return { msg, acked: () => acked };
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

  /**
   * Delivers `envelope` to `handler` as JetStream would, through a durable consumer named as the
   * handler's @OnEvent declares (or `durable`, to stand for a consumer whose inbox has forgotten
   * everything, as after a replay of the stream past the inbox's retention).
   */
  async function deliver<T>(instance: object, handler: EventHandlerOf<T>, envelope: EventEnvelope<T>, durable?: string): Promise<ProcessOutcome> {
    const meta = Reflect.getMetadata(ON_EVENT, handler) as OnEventMetadata | undefined;
    if (!meta) throw new Error('not an @OnEvent handler');
    if (meta.event.subject !== envelope.type) throw new Error(`${meta.durable} consumes ${meta.event.subject}, not ${envelope.type}`);
    const consumer = new DurableConsumer<T>({
      name: durable ?? meta.durable,
      stream: 'unused',
      filterSubject: meta.event.subject,
      versions: meta.versions,
      schema: SCHEMA,
      db,
      js: {} as JetStreamClient,
      jsm: {} as JetStreamManager,
      logger,
      handle: (tx, event) => handler.call(instance, tx, event),
    });
    const { msg, acked } = deliveredMessage(envelope);
    const outcome = await consumer.process(msg);
    if (outcome !== 'retry' && !acked()) throw new Error('the event was not acknowledged');
    return outcome;
  }

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
