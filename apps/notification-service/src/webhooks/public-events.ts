import { type EventEnvelope, WEBHOOK_TEST_EVENT, type WebhookEventType } from '@engage/contracts';

/** Internal event subjects whose public name is fixed (SPEC section 4). */
const PUBLIC_NAMES: Readonly<Record<string, WebhookEventType>> = {
  'evt.crm.contact.created': 'contact.created',
  'evt.crm.contact.updated': 'contact.updated',
  'evt.crm.contact.deleted': 'contact.deleted',
  'evt.crm.contact.merged': 'contact.merged',
  'evt.crm.company.created': 'company.created',
  'evt.crm.company.updated': 'company.updated',
  'evt.crm.company.deleted': 'company.deleted',
  'evt.crm.deal.created': 'deal.created',
  'evt.crm.deal.updated': 'deal.updated',
  'evt.crm.deal.stage_changed': 'deal.stage_changed',
  'evt.crm.deal.deleted': 'deal.deleted',
  'evt.telephony.call.completed': 'call.completed',
  'evt.telephony.sms.received': 'sms.received',
  'evt.activity.created': 'activity.created',
};

/**
 * The public name of an internal event, or null for events integrators never see (logins, call
 * progress, pipeline edits…). An import is announced once, when it completes: its progress events
 * carry the status, and only `completed` becomes `import.completed`.
 */
export function publicEventName(event: Pick<EventEnvelope<unknown>, 'type' | 'payload'>): WebhookEventType | null {
  if (event.type === 'evt.crm.import.progress') {
    const status = (event.payload as { status?: string } | null)?.status;
    return status === 'completed' ? 'import.completed' : null;
  }
  return PUBLIC_NAMES[event.type] ?? null;
}

/** Whether an endpoint listening to `filters` (`contact.*`, `call.completed`, `*`) receives `type`. */
export function matchesFilters(filters: readonly string[], type: string): boolean {
  if (type === WEBHOOK_TEST_EVENT) return true;
  const entity = type.split('.')[0];
  return filters.some((f) => f === '*' || f === type || f === `${entity}.*`);
}
