import type { CallStatus, CallView } from './call.dto';
import type { SmsKeywordEffect, SmsView } from './sms.dto';

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

/**
 * The compliance gate refused an outbound call or text (SPEC section 4: the refusal is audited).
 * Nothing was dialled or sent; this records who tried, which number, and why.
 */
export interface ComplianceRefusedEvent {
  channel: 'call' | 'sms';
  phone: string;
  contact_id: string | null;
  /** The 422 code the caller got: no_consent, do_not_call, dnc_scrub_stale, quiet_hours, frequency_cap, module_not_enabled. */
  code: string;
  details: Record<string, unknown>;
  refused_at: string;
}

/** Once per outbound text, when Twilio accepted it (its status then moves on by callbacks). */
export interface SmsSentEvent {
  sms: SmsView;
}

/**
 * Once per inbound text and tenant it belongs to (a duplicate delivery from Twilio publishes
 * nothing). `keyword` says whether it was an opt-out (STOP…) or opt-in (START, UNSTOP) that
 * changed the sender's SMS consent.
 */
export interface SmsReceivedEvent {
  sms: SmsView;
  keyword: SmsKeywordEffect | null;
}
