import type { CallStatus, CallView } from './call.dto';

/** Payloads of the events telephony-service publishes (inside an EventEnvelope). */
export interface CallUpdatedEvent {
  call: CallView;
  /** The status the call had before this transition. */
  previous_status: CallStatus;
}

/** Once per call, when it reaches a final status: what the timeline and realtime show. */
export interface CallCompletedEvent {
  call_id: string;
  contact_id: string;
  owner_id: string;
  to: string;
  outcome: CallStatus;
  duration_s: number | null;
  disposition: string | null;
  has_recording: boolean;
  ended_at: string;
}
