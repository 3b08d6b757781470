import { type CallStatus, type CallView, Events } from '@engage/contracts';
import { outboxEvent } from '@engage/messaging';

/**
 * The events of one transition: `call.updated` always, and `call.completed` when the call reached
 * a final status (the row's version moved by two then; `call.completed` carries the newer one).
 */
export function transitionEvents(call: CallView, previous: CallStatus, final: boolean) {
  const updated = outboxEvent(Events.telephony.callUpdated, {
    aggregateId: call.id,
    version: final ? call.version - 1 : call.version,
    payload: { call, previous_status: previous },
  });
  if (!final) return [updated];
  return [
    updated,
    outboxEvent(Events.telephony.callCompleted, {
      aggregateId: call.id,
      version: call.version,
      payload: {
        call_id: call.id,
        contact_id: call.contact_id,
        owner_id: call.owner_id,
        to: call.to,
        outcome: call.status,
        duration_s: call.duration_s,
        disposition: call.disposition,
        // A recorded call that was answered has a recording (Twilio finishes it moments after the call ends).
        has_recording: call.record && call.answered_at !== null,
        ended_at: call.ended_at ?? call.updated_at,
      },
    }),
  ];
}
