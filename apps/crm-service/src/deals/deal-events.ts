import { Events, type DealView } from '@engage/contracts';
import { type NewEvent, outboxEvent } from '@engage/messaging';

/**
 * `deal.updated` for deals whose contact changed without an edit of the deal (a merge moved them,
 * or a purge unlinked them), so that every consumer of deal events sees the new contact.
 */
export const contactChangedEvents = (deals: DealView[]): NewEvent[] =>
  deals.map((deal) => outboxEvent(Events.crm.dealUpdated, { aggregateId: deal.id, version: deal.version, payload: { deal, changed: ['contact_id'] } }));
