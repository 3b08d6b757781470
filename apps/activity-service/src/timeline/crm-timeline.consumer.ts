import { Injectable } from '@nestjs/common';
import { type ContactMergedEvent, type ContactsPurgedEvent, type DealStageChangedEvent, type EventEnvelope, Events } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { OnEvent } from '@engage/messaging';
import { ActivitiesRepository } from '../activities/activities.repository';
import { dealStageEntry } from './timeline-entries';
import { TimelineWriter } from './timeline-writer';

/**
 * What crm-service's events do to the timeline: a deal's stage changes appear on it; a merged
 * contact's timeline moves to the survivor; an erased contact's timeline goes (stage changes stay
 * on their deal, without the contact). Every event counts whatever order it arrives in
 * (`versions: 'every'`); merges and erasures are recorded, so an event about a merged or erased
 * contact that arrives later still lands on the survivor, or nowhere.
 */
@Injectable()
export class CrmTimelineConsumer {
  constructor(
    private readonly timeline: TimelineWriter,
    private readonly activities: ActivitiesRepository,
  ) {}

  @OnEvent(Events.crm.dealStageChanged, { durable: 'activity-timeline-deal-stages', versions: 'every' })
  async onDealStageChanged(tx: Tx, event: EventEnvelope<DealStageChangedEvent>): Promise<void> {
    await this.timeline.record(tx, event, dealStageEntry(event.payload));
  }

  @OnEvent(Events.crm.contactMerged, { durable: 'activity-contact-merged', versions: 'every' })
  async onContactMerged(tx: Tx, event: EventEnvelope<ContactMergedEvent>): Promise<void> {
    const { merged_id: mergedId, survivor_id: survivorId } = event.payload;
    if (mergedId === survivorId) return;
    await this.activities.holdContacts(tx, event.tenant_id, 'exclusive');
    // The survivor may itself have been merged or erased by the time this event is handled.
    const fate = await this.activities.contactFate(tx, event.tenant_id, survivorId);
    if (fate.kind === 'erased') await this.activities.recordErasure(tx, event.tenant_id, [mergedId]);
    else await this.activities.recordMerge(tx, event.tenant_id, mergedId, fate.kind === 'merged' ? fate.survivorId : survivorId);
  }

  @OnEvent(Events.crm.contactsPurged, { durable: 'activity-contact-purged', versions: 'every' })
  async onContactsPurged(tx: Tx, event: EventEnvelope<ContactsPurgedEvent>): Promise<void> {
    if (event.payload.contact_ids.length === 0) return;
    await this.activities.holdContacts(tx, event.tenant_id, 'exclusive');
    await this.activities.recordErasure(tx, event.tenant_id, event.payload.contact_ids);
  }
}
