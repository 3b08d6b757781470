import type { CallbackSender, SentCallback } from './callbacks';
import { CallCallbackQueue, callParams } from './call-callbacks';
import { newSid } from './format';
import { FINAL_CALL_STATUSES, type CallRecord, type CallStatus, type RecordingRecord, type StandInStore } from './model';
import { callOutcomeFor } from './scenarios';
import { interpretTwiml, type DialInstruction } from './twiml';

export interface CallDriverOptions {
  store: StandInStore;
  sender: CallbackSender;
  /** Multiplies every simulated delay: 1 is real time, 0.01 runs a hundred times faster. */
  timeScale: number;
  /** The stand-in's own base URL, for RecordingUrl. */
  standInUrl: () => string;
  tokenOf: (accountSid: string) => string;
}

/**
 * Drives a call through Twilio's life cycle: initiated, ringing, then answered (in-progress) and
 * completed, or busy / no-answer / failed, or canceled when hung up while ringing, as scripted by the
 * dialled number. Each transition changes the Call resource at once and queues the status callback.
 */
export class CallDriver {
  readonly callbacks: CallCallbackQueue;

  constructor(private readonly options: CallDriverOptions) {
    this.callbacks = new CallCallbackQueue(options.store, options.sender, options.tokenOf);
  }

  start(call: CallRecord): void {
    call.startTime = new Date();
    this.callbacks.status(call, 'initiated');
    if (call.outcome.kind === 'failed') {
      this.after(call, 0.5, () => this.end(call, 'failed'));
      return;
    }
    this.after(call, 1, () => this.ring(call));
  }

  /** Hang-up through the REST API (`Status=completed|canceled`), as Twilio applies it. */
  hangUp(call: CallRecord, requested: 'completed' | 'canceled'): void {
    if (FINAL_CALL_STATUSES.has(call.status)) return;
    const ringing = call.status === 'queued' || call.status === 'ringing';
    if (ringing) this.end(call, 'canceled');
    else if (requested === 'completed') this.end(call, 'completed');
  }

  /** Redirect (`Url` or `Twiml` on update): the new TwiML takes over the call. */
  redirect(call: CallRecord, source: { url?: string; method: string; twiml?: string }): void {
    this.clearTimers(call);
    if (source.twiml !== undefined) this.apply(call, source.twiml, undefined);
    else if (source.url) void this.fetchTwiml(call, { url: source.url, method: source.method });
  }

  /**
   * A browser (Voice SDK) call: the client leg is connected at once and Twilio asks the application's
   * voice URL what to do, with CallStatus `ringing`, as it does for a TwiML App; the answer is acted on.
   */
  async connectClient(call: CallRecord, voiceUrl: string, extraParams: Record<string, string>): Promise<SentCallback> {
    call.startTime = new Date();
    this.options.store.setCallStatus(call, 'ringing', call.startTime);
    const sent = await this.options.sender.send({
      kind: 'voice-twiml',
      resourceSid: call.sid,
      url: voiceUrl,
      // Twilio's own fields win: a device cannot pass a From or CallSid of its choosing.
      params: { ...extraParams, ...callParams(call, 'ringing') },
      authToken: this.options.tokenOf(call.accountSid),
    });
    call.answeredAt = new Date();
    this.options.store.setCallStatus(call, 'in-progress', call.answeredAt);
    if (sent.responseStatus !== undefined && sent.responseStatus < 300 && sent.responseBody) {
      this.apply(call, sent.responseBody, voiceUrl);
    } else {
      this.end(call, 'failed');
    }
    if (call.status === 'in-progress' && !this.children(call).length) this.end(call, 'completed');
    return sent;
  }

  /** Lets a held call go on: a held ringing call answers, a held conversation hangs up. */
  release(call: CallRecord): boolean {
    if (!call.held) return false;
    call.held = false;
    if (call.status === 'ringing') this.answer(call);
    else if (call.status === 'in-progress') this.end(call, 'completed');
    return true;
  }

  stopAll(): void {
    for (const call of this.options.store.calls.values()) this.clearTimers(call);
  }

  private ring(call: CallRecord): void {
    if (FINAL_CALL_STATUSES.has(call.status)) return;
    this.options.store.setCallStatus(call, 'ringing', new Date());
    this.callbacks.status(call, 'ringing');
    const outcome = call.outcome;
    if (outcome.kind === 'busy') this.after(call, outcome.ringSeconds, () => this.end(call, 'busy'));
    else if (outcome.kind === 'no-answer') this.after(call, call.timeout, () => this.end(call, 'no-answer'));
    else if (outcome.kind === 'answered') {
      if (outcome.holdRinging) call.held = true;
      else if (outcome.ringSeconds >= call.timeout) this.after(call, call.timeout, () => this.end(call, 'no-answer'));
      else this.after(call, outcome.ringSeconds, () => this.answer(call));
    }
  }

  private answer(call: CallRecord): void {
    if (call.outcome.kind !== 'answered' || FINAL_CALL_STATUSES.has(call.status)) return;
    const now = new Date();
    call.answeredAt = now;
    if (call.machineDetection) call.answeredBy = call.outcome.answeredBy;
    this.options.store.setCallStatus(call, 'in-progress', now);
    this.callbacks.status(call, 'answered');
    if (call.recording) this.startRecording(call);
    const talk = call.outcome.talkSeconds;
    if (talk === undefined) call.held = true;
    // A call that runs its scripted course lasts exactly the scripted time, however busy the machine.
    else this.after(call, talk, () => this.end(call, 'completed', talk));
    if (call.twiml !== undefined) this.apply(call, call.twiml, undefined);
    else if (call.voiceUrl) void this.fetchTwiml(call, call.voiceUrl);
  }

  private end(call: CallRecord, status: CallStatus, scriptedSeconds?: number): void {
    if (FINAL_CALL_STATUSES.has(call.status)) return;
    this.clearTimers(call);
    call.held = false;
    const now = new Date();
    call.endTime = now;
    call.duration = !call.answeredAt
      ? 0
      : (scriptedSeconds ?? this.simulatedSeconds(now.getTime() - call.answeredAt.getTime()));
    this.options.store.setCallStatus(call, status, now);
    this.callbacks.status(call, 'completed');
    this.finishRecording(call);
    for (const child of this.children(call)) this.hangUp(child, 'completed');
  }

  /** Posts the call's parameters to its TwiML URL, as Twilio does on answer, and acts on the answer. */
  private async fetchTwiml(call: CallRecord, source: { url: string; method: string }): Promise<void> {
    const sent = await this.options.sender.send({
      kind: 'voice-twiml',
      resourceSid: call.sid,
      url: source.url,
      method: source.method,
      params: callParams(call, call.status),
      authToken: this.options.tokenOf(call.accountSid),
    });
    if (sent.responseStatus !== undefined && sent.responseStatus < 300 && sent.responseBody) {
      this.apply(call, sent.responseBody, source.url);
    }
  }

  private apply(call: CallRecord, twiml: string, base: string | undefined): void {
    if (call.status !== 'in-progress') return;
    const instruction = interpretTwiml(twiml, base);
    if (instruction.kind === 'hangup') this.end(call, 'completed');
    else if (instruction.kind === 'dial') this.dial(call, instruction.dial);
  }

  /** `<Dial>`: a child leg rings the target; the parent call ends when the child leg ends. */
  private dial(parent: CallRecord, dial: DialInstruction): void {
    this.clearTimers(parent);
    parent.held = false;
    const now = new Date();
    const child: CallRecord = {
      sid: newSid('CA'),
      accountSid: parent.accountSid,
      parentCallSid: parent.sid,
      to: dial.target,
      from: dial.callerId ?? parent.from,
      direction: 'outbound-dial',
      status: 'queued',
      createdAt: now,
      updatedAt: now,
      statusCallback: dial.statusCallback && { ...dial.statusCallback, events: new Set(dial.statusCallback.events) },
      recording: dial.record
        ? {
            channels: 2,
            callback: dial.recordingStatusCallback && {
              ...dial.recordingStatusCallback,
              events: new Set(dial.recordingStatusCallback.events),
            },
          }
        : undefined,
      timeout: dial.timeout,
      outcome: callOutcomeFor(dial.target),
      delivery: this.options.store.deliveryModes.get(dial.target) ?? 'normal',
      sequence: 0,
      held: false,
      timers: new Set(),
    };
    this.options.store.calls.set(child.sid, child);
    const onChange = (c: CallRecord): void => {
      if (!FINAL_CALL_STATUSES.has(c.status)) return;
      this.options.store.events.off(`call:${child.sid}`, onChange);
      if (dial.action) {
        void this.options.sender.send({
          kind: 'voice-twiml',
          resourceSid: parent.sid,
          url: dial.action.url,
          method: dial.action.method,
          params: {
            ...callParams(parent, parent.status),
            DialCallSid: child.sid,
            DialCallStatus: child.status,
            DialCallDuration: String(child.duration ?? 0),
            DialBridged: String(child.answeredAt !== undefined),
          },
          authToken: this.options.tokenOf(parent.accountSid),
        });
      }
      this.end(parent, 'completed');
    };
    this.options.store.events.on(`call:${child.sid}`, onChange);
    this.start(child);
  }

  private startRecording(call: CallRecord): void {
    const now = new Date();
    const recording: RecordingRecord = {
      sid: newSid('RE'),
      accountSid: call.accountSid,
      callSid: call.sid,
      createdAt: now,
      startTime: now,
      duration: 0,
      channels: call.recording?.channels ?? 1,
      status: 'in-progress',
      deleted: false,
    };
    this.options.store.recordings.set(recording.sid, recording);
    this.callbacks.recording(call, recording, this.options.standInUrl());
  }

  private finishRecording(call: CallRecord): void {
    for (const recording of this.options.store.recordings.values()) {
      if (recording.callSid !== call.sid || recording.status !== 'in-progress') continue;
      recording.status = 'completed';
      recording.duration = call.duration ?? 0;
      this.callbacks.recording(call, recording, this.options.standInUrl());
    }
  }

  private children(call: CallRecord): CallRecord[] {
    return [...this.options.store.calls.values()].filter((c) => c.parentCallSid === call.sid);
  }

  private simulatedSeconds(ms: number): number {
    return Math.round(ms / 1000 / this.options.timeScale);
  }

  private after(call: CallRecord, seconds: number, step: () => void): void {
    const timer = setTimeout(() => {
      call.timers.delete(timer);
      step();
    }, seconds * 1000 * this.options.timeScale);
    call.timers.add(timer);
  }

  private clearTimers(call: CallRecord): void {
    for (const timer of call.timers) clearTimeout(timer);
    call.timers.clear();
  }
}
