import { SerialQueue, type CallbackSender, type SentCallback } from './callbacks';
import { API_VERSION, countryOf, newSid } from './format';
import type { MessageRecord, MessageStatus, StandInStore } from './model';

export interface MessageDriverOptions {
  store: StandInStore;
  sender: CallbackSender;
  timeScale: number;
  tokenOf: (accountSid: string) => string;
}

/**
 * Moves an outbound text through queued → sent → delivered (or undelivered / failed, as scripted by
 * the recipient's number) and posts each status to the message's StatusCallback; posts inbound texts
 * to the receiving number's SMS URL as Twilio does.
 */
export class MessageDriver {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queue = new SerialQueue();

  constructor(private readonly options: MessageDriverOptions) {}

  start(message: MessageRecord): void {
    this.notify(message);
    const outcome = message.outcome;
    if (outcome?.kind === 'failed') {
      this.after(0.5, () => this.finish(message, 'failed'));
      return;
    }
    this.after(0.5, () => {
      message.sentAt = new Date();
      this.transition(message, 'sent');
      this.after(1, () => this.finish(message, outcome?.kind === 'undelivered' ? 'undelivered' : 'delivered'));
    });
  }

  /** An inbound text from `from` to one of the account's numbers, posted signed to `url`. */
  async receive(input: { accountSid: string; from: string; to: string; body: string; url: string }): Promise<{
    message: MessageRecord;
    callback: SentCallback;
  }> {
    const now = new Date();
    const message: MessageRecord = {
      sid: newSid('SM'),
      accountSid: input.accountSid,
      to: input.to,
      from: input.from,
      body: input.body,
      direction: 'inbound',
      status: 'received',
      createdAt: now,
      updatedAt: now,
      sentAt: now,
    };
    this.options.store.messages.set(message.sid, message);
    const callback = await this.options.sender.send({
      kind: 'inbound-sms',
      resourceSid: message.sid,
      url: input.url,
      params: {
        AccountSid: message.accountSid,
        ApiVersion: API_VERSION,
        Body: message.body,
        From: message.from,
        FromCountry: countryOf(message.from),
        MessageSid: message.sid,
        NumMedia: '0',
        NumSegments: String(Math.max(1, Math.ceil(message.body.length / 153))),
        SmsMessageSid: message.sid,
        SmsSid: message.sid,
        SmsStatus: 'received',
        To: message.to,
        ToCountry: countryOf(message.to),
      },
      authToken: this.options.tokenOf(message.accountSid),
    });
    return { message, callback };
  }

  stopAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private finish(message: MessageRecord, status: 'delivered' | 'undelivered' | 'failed'): void {
    const outcome = message.outcome;
    if (outcome && outcome.kind !== 'delivered') {
      message.errorCode = outcome.errorCode;
      message.errorMessage = outcome.errorMessage;
    }
    this.transition(message, status);
  }

  private transition(message: MessageRecord, status: MessageStatus): void {
    message.status = status;
    message.updatedAt = new Date();
    this.notify(message);
  }

  private notify(message: MessageRecord): void {
    if (!message.statusCallback) return;
    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: API_VERSION,
      From: message.from,
      MessageSid: message.sid,
      MessageStatus: message.status,
      SmsSid: message.sid,
      SmsStatus: message.status,
      To: message.to,
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (message.errorCode !== undefined) params.ErrorCode = String(message.errorCode);
    const request = {
      kind: 'message-status' as const,
      resourceSid: message.sid,
      url: message.statusCallback,
      params,
      authToken: this.options.tokenOf(message.accountSid),
    };
    void this.queue.run(message.sid, () => this.options.sender.send(request));
  }

  private after(seconds: number, step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      step();
    }, seconds * 1000 * this.options.timeScale);
    this.timers.add(timer);
  }
}
