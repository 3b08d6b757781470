import { EventEmitter } from 'node:events';
import type { CallOutcome, MessageOutcome } from './scenarios';

/** A Twilio account: the main development account or a subaccount created through the API. */
export interface Account {
  sid: string;
  authToken: string;
  friendlyName: string;
  /** The parent account of a subaccount, whose credentials may also act on it (as Twilio allows). */
  ownerAccountSid: string;
  status: 'active' | 'suspended' | 'closed';
  createdAt: Date;
  updatedAt: Date;
}

/** Statuses a Call resource passes through (`initiated` only ever appears in callbacks). */
export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'canceled' | 'completed' | 'failed' | 'busy' | 'no-answer';
export const FINAL_CALL_STATUSES: ReadonlySet<string> = new Set(['canceled', 'completed', 'failed', 'busy', 'no-answer']);

/** How the status callbacks of calls to a number are delivered (set through the control API). */
export type DeliveryMode = 'normal' | 'duplicate' | 'reverse';

export interface CallbackTarget {
  url: string;
  method: string;
  /** Which events are sent: initiated, ringing, answered, completed. */
  events: Set<string>;
}

export interface CallRecord {
  sid: string;
  accountSid: string;
  parentCallSid?: string;
  to: string;
  from: string;
  direction: 'outbound-api' | 'outbound-dial' | 'inbound';
  status: CallStatus;
  createdAt: Date;
  updatedAt: Date;
  startTime?: Date;
  answeredAt?: Date;
  endTime?: Date;
  /** Whole seconds between answer and hang-up, once ended. */
  duration?: number;
  answeredBy?: string;
  machineDetection?: string;
  statusCallback?: CallbackTarget;
  recording?: { callback?: CallbackTarget; channels: number };
  /** Where TwiML is fetched on answer, or the TwiML given inline. */
  voiceUrl?: { url: string; method: string };
  twiml?: string;
  /** Seconds Twilio lets the call ring before giving up (the `Timeout` parameter, 60 by default). */
  timeout: number;
  outcome: CallOutcome;
  delivery: DeliveryMode;
  /** SequenceNumber of the next status callback. */
  sequence: number;
  /** Set while the call waits for a release through the control API. */
  held: boolean;
  timers: Set<NodeJS.Timeout>;
}

export type MessageStatus = 'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';

export interface MessageRecord {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  direction: 'outbound-api' | 'inbound';
  status: MessageStatus;
  createdAt: Date;
  updatedAt: Date;
  sentAt?: Date;
  errorCode?: number;
  errorMessage?: string;
  statusCallback?: string;
  messagingServiceSid?: string;
  outcome?: MessageOutcome;
}

export interface RecordingRecord {
  sid: string;
  accountSid: string;
  callSid: string;
  createdAt: Date;
  startTime: Date;
  duration: number;
  channels: number;
  status: 'in-progress' | 'completed' | 'absent';
  deleted: boolean;
}

export interface IncomingNumber {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl?: string;
  voiceUrl?: string;
  createdAt: Date;
}

/** Everything the stand-in remembers, in memory (a restart starts afresh, like a new test account). */
export class StandInStore {
  readonly accounts = new Map<string, Account>();
  readonly calls = new Map<string, CallRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly recordings = new Map<string, RecordingRecord>();
  readonly numbers = new Map<string, IncomingNumber>();
  /** Delivery modes per dialled number (E.164). */
  readonly deliveryModes = new Map<string, DeliveryMode>();
  /** Emits `call:<sid>` on each status change, for the control API's wait. */
  readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  setCallStatus(call: CallRecord, status: CallStatus, at: Date): void {
    call.status = status;
    call.updatedAt = at;
    this.events.emit(`call:${call.sid}`, call);
  }

  numberOwner(phoneNumber: string): IncomingNumber | undefined {
    for (const n of this.numbers.values()) if (n.phoneNumber === phoneNumber) return n;
    return undefined;
  }
}
