import type { CallCompletedEvent, DealStageChangedEvent, SmsView } from '@engage/contracts';
import type { ActivityInsert } from '../activities/activities.repository';

/**
 * What one event of another service puts on the timeline: the activity's type, the records whose
 * timelines show it, who did it, a one-line subject, the text, the facts a timeline item renders
 * from (`payload`), and when it happened (null when the event carries no usable time: the event's
 * own time is used). Pure functions of the event, so a redelivered or replayed event describes the
 * same activity. (Recorded activities are never tasks, and their source is the event itself.)
 */
export type TimelineEntry = Omit<ActivityInsert, 'occurred_at' | 'source_event_id' | 'due_at' | 'assignee_id' | 'done'> & { occurred_at: string | null };

const SUBJECT_MAX = 200;
const BODY_MAX = 10_000;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** An ISO-8601 time the event carries, or null when it carries none that PostgreSQL would take. */
export const usableTime = (value: unknown): string | null =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(Date.parse(value)) ? value : null;

const CALL_OUTCOMES: Record<string, string> = {
  completed: 'Call completed',
  busy: 'Call not answered: busy',
  'no-answer': 'Call not answered',
  failed: 'Call failed',
  canceled: 'Call canceled',
};

/** A call that reached its final status, on its contact's timeline. */
export function callEntry(call: CallCompletedEvent): TimelineEntry {
  return {
    type: 'call',
    contact_id: call.contact_id,
    deal_id: null,
    company_id: null,
    actor_id: call.owner_id,
    subject: CALL_OUTCOMES[call.outcome] ?? `Call ${call.outcome}`,
    body: null,
    payload: {
      call_id: call.call_id,
      to: call.to,
      outcome: call.outcome,
      duration_s: call.duration_s,
      disposition: call.disposition,
      has_recording: call.has_recording,
    },
    occurred_at: usableTime(call.ended_at),
  };
}

/** A text sent to or received from a contact (a text from an unknown number has no contact). */
export function smsEntry(sms: SmsView): TimelineEntry {
  return {
    type: 'sms',
    contact_id: sms.contact_id,
    deal_id: null,
    company_id: null,
    actor_id: sms.owner_id,
    subject: sms.direction === 'inbound' ? 'Text received' : 'Text sent',
    body: clip(sms.body, BODY_MAX),
    payload: { sms_id: sms.id, direction: sms.direction, to: sms.to, from: sms.from, status: sms.status },
    occurred_at: usableTime(sms.created_at),
  };
}

/** A deal entering a stage (its first stage when it was created), on the deal's, its contact's and its company's timelines. */
export function dealStageEntry(change: DealStageChangedEvent): TimelineEntry {
  const { deal } = change;
  const subject = change.from_stage === null ? `Deal created in stage ${change.to_stage}` : `Deal moved from ${change.from_stage} to ${change.to_stage}`;
  return {
    type: 'deal_stage_changed',
    contact_id: deal.contact_id,
    deal_id: change.deal_id,
    company_id: deal.company_id,
    actor_id: change.changed_by,
    subject: clip(subject, SUBJECT_MAX),
    body: null,
    payload: {
      pipeline_id: change.pipeline_id,
      from_stage: change.from_stage,
      to_stage: change.to_stage,
      deal_name: deal.name,
      amount: deal.amount,
      currency: deal.currency,
    },
    occurred_at: usableTime(change.changed_at),
  };
}
