import { Injectable } from '@nestjs/common';
import { type CallCompletedEvent, type EventEnvelope, Events, type SmsReceivedEvent, type SmsSentEvent } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { OnEvent } from '@engage/messaging';
import { callEntry, smsEntry } from './timeline-entries';
import { TimelineWriter } from './timeline-writer';

/**
 * Calls and texts on the timeline, once each. Every event is recorded whatever order it arrives in
 * (`versions: 'every'`): a timeline is a record of what happened, not the latest state of a call.
 * Under load a tenant's queued events are recorded together, up to 16 in one transaction, four transactions at a time (a busy
 * call centre sends hundreds a second), also of one tenant (`order: 'none'`: the order calls are recorded in does not
 * matter, each carries its own time).
 */
@Injectable()
export class TelephonyTimelineConsumer {
  constructor(private readonly timeline: TimelineWriter) {}

  @OnEvent(Events.telephony.callCompleted, { durable: 'activity-timeline-calls', versions: 'every', batch: 16, concurrency: 4, order: 'none' })
  async onCallCompleted(tx: Tx, event: EventEnvelope<CallCompletedEvent>): Promise<void> {
    await this.timeline.record(tx, event, callEntry(event.payload));
  }

  @OnEvent(Events.telephony.smsSent, { durable: 'activity-timeline-sms-sent', versions: 'every', batch: 16, concurrency: 4, order: 'none' })
  async onSmsSent(tx: Tx, event: EventEnvelope<SmsSentEvent>): Promise<void> {
    await this.timeline.record(tx, event, smsEntry(event.payload.sms));
  }

  @OnEvent(Events.telephony.smsReceived, { durable: 'activity-timeline-sms-received', versions: 'every', batch: 16, concurrency: 4, order: 'none' })
  async onSmsReceived(tx: Tx, event: EventEnvelope<SmsReceivedEvent>): Promise<void> {
    const entry = smsEntry(event.payload.sms);
    // Whether the text was an opt-out (STOP…) or opt-in that changed the sender's SMS consent.
    await this.timeline.record(tx, event, { ...entry, payload: { ...entry.payload, keyword: event.payload.keyword } });
  }
}
