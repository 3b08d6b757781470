import { SerialQueue, type CallbackRequest, type CallbackSender, type SentCallback } from './callbacks';
import { API_VERSION, countryOf, rfc2822 } from './format';
import type { CallRecord, RecordingRecord, StandInStore } from './model';

/** The status callback events of `StatusCallbackEvent`; `answered` reports CallStatus `in-progress`. */
export type CallEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** The parameters Twilio posts about a call, to status callbacks and to the TwiML URL alike. */
export function callParams(call: CallRecord, callStatus: string): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: call.accountSid,
    ApiVersion: API_VERSION,
    CallSid: call.sid,
    CallStatus: callStatus,
    Called: call.to,
    CalledCountry: countryOf(call.to),
    Caller: call.from,
    CallerCountry: countryOf(call.from),
    Direction: call.direction,
    From: call.from,
    FromCountry: countryOf(call.from),
    To: call.to,
    ToCountry: countryOf(call.to),
  };
  if (call.parentCallSid) params.ParentCallSid = call.parentCallSid;
  if (call.machineDetection && call.answeredBy) params.AnsweredBy = call.answeredBy;
  return params;
}

const SIP_RESPONSE: Record<string, string> = {
  completed: '200',
  busy: '486',
  'no-answer': '487',
  canceled: '487',
  failed: '500',
};

export function recordingParams(recording: RecordingRecord, standInUrl: string): Record<string, string> {
  return {
    AccountSid: recording.accountSid,
    CallSid: recording.callSid,
    RecordingSid: recording.sid,
    RecordingUrl: `${standInUrl}/${API_VERSION}/Accounts/${recording.accountSid}/Recordings/${recording.sid}`,
    RecordingStatus: recording.status,
    RecordingDuration: recording.status === 'completed' ? String(recording.duration) : '-1',
    RecordingChannels: String(recording.channels),
    RecordingStartTime: rfc2822(recording.startTime),
    RecordingSource: 'OutboundAPI',
    RecordingTrack: 'both',
    ErrorCode: '0',
  };
}

/**
 * Delivers a call's callbacks one after another, in the order they happen, as Twilio's own delivery
 * usually does; the control API can ask for each to be sent twice, or held and sent in reverse order
 * once the call ends, which is what a receiver must survive.
 */
export class CallCallbackQueue {
  private readonly queue = new SerialQueue();
  private readonly held = new Map<string, CallbackRequest[]>();

  constructor(
    private readonly store: StandInStore,
    private readonly sender: CallbackSender,
    private readonly tokenOf: (accountSid: string) => string,
  ) {}

  /** Sends the status callback for `event` if the call subscribed to it; returns whether it was sent. */
  status(call: CallRecord, event: CallEvent): boolean {
    const target = call.statusCallback;
    if (!target || !target.events.has(event)) return false;
    const callStatus = event === 'answered' ? 'in-progress' : event === 'completed' ? call.status : event;
    const params: Record<string, string> = {
      ...callParams(call, callStatus),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequence++),
      Timestamp: rfc2822(new Date()),
    };
    if (event === 'completed') {
      const seconds = call.duration ?? 0;
      params.CallDuration = String(seconds);
      params.Duration = String(Math.ceil(seconds / 60));
      params.SipResponseCode = SIP_RESPONSE[call.status] ?? '200';
    }
    const request: CallbackRequest = {
      kind: 'call-status',
      resourceSid: call.sid,
      url: target.url,
      method: target.method,
      params,
      authToken: this.tokenOf(call.accountSid),
    };
    if (call.delivery === 'reverse') {
      const list = this.held.get(call.sid) ?? [];
      list.push(request);
      this.held.set(call.sid, list);
      if (event === 'completed') {
        this.held.delete(call.sid);
        for (const r of list.reverse()) this.enqueue(call.sid, r);
      }
      return true;
    }
    this.enqueue(call.sid, request, call.delivery === 'duplicate');
    return true;
  }

  recording(call: CallRecord, recording: RecordingRecord, standInUrl: string): void {
    const target = call.recording?.callback;
    if (!target || !target.events.has(recording.status)) return;
    this.enqueue(call.sid, {
      kind: 'recording-status',
      resourceSid: call.sid,
      url: target.url,
      method: target.method,
      params: recordingParams(recording, standInUrl),
      authToken: this.tokenOf(call.accountSid),
    });
  }

  /** Sends again callbacks already sent for a call: in the same order, or reversed. */
  replay(callSid: string, order: 'same' | 'reverse', kind?: string): Promise<SentCallback[]> {
    const originals = this.sender
      .list({ resourceSid: callSid, kind })
      .filter((e) => e.replayOf === undefined && e.kind !== 'voice-twiml');
    const ordered = order === 'reverse' ? [...originals].reverse() : originals;
    const call = this.store.calls.get(callSid);
    const token = call ? this.tokenOf(call.accountSid) : '';
    const sends = ordered.map((e) =>
      this.enqueueAndWait(callSid, {
        kind: e.kind,
        resourceSid: callSid,
        url: e.method === 'GET' ? e.url.split('?')[0] : e.url,
        method: e.method,
        params: e.params,
        authToken: token,
        replayOf: e.id,
      }),
    );
    return Promise.all(sends);
  }

  /** Resolves once every callback queued so far for the call has been delivered. */
  async drain(callSid: string): Promise<void> {
    await this.queue.drain(callSid);
  }

  private enqueue(callSid: string, request: CallbackRequest, twice = false): void {
    void this.queue.run(callSid, async () => {
      const first = await this.sender.send(request);
      if (twice) await this.sender.send({ ...request, replayOf: first.id });
      return first;
    });
  }

  private enqueueAndWait(callSid: string, request: CallbackRequest): Promise<SentCallback> {
    return this.queue.run(callSid, () => this.sender.send(request));
  }
}
