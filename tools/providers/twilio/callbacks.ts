import { createHmac } from 'node:crypto';

/**
 * Twilio's request signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): HMAC-SHA1,
 * keyed with the account's auth token, over the full URL followed by every POST parameter's name and
 * value in name order; base64; sent as `X-Twilio-Signature`. For GET the parameters are in the URL.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export type CallbackKind = 'call-status' | 'recording-status' | 'message-status' | 'inbound-sms' | 'voice-twiml';

/** One callback the stand-in sent, kept so tests can see exactly what a service received. */
export interface SentCallback {
  id: number;
  kind: CallbackKind;
  /** The CallSid or MessageSid the callback is about. */
  resourceSid: string;
  url: string;
  method: 'POST' | 'GET';
  params: Record<string, string>;
  signature: string;
  /** Set when this delivery repeats an earlier one on request (duplicate or reordered delivery). */
  replayOf?: number;
  sentAt: string;
  /** The receiver's HTTP status, or undefined when the request failed (`error` says why). */
  responseStatus?: number;
  responseBody?: string;
  error?: string;
}

export interface CallbackRequest {
  kind: CallbackKind;
  resourceSid: string;
  url: string;
  method?: string;
  params: Record<string, string>;
  authToken: string;
  replayOf?: number;
}

/** Twilio gives a webhook 15 seconds to answer. */
const WEBHOOK_TIMEOUT_MS = 15_000;
/** The log is bounded so a long benchmark run does not grow the stand-in without limit. */
const MAX_LOG_ENTRIES = 50_000;

/**
 * Sends signed callbacks and keeps the log of what was sent. Twilio does not retry status callbacks,
 * so neither does the stand-in: a receiver that is down simply misses the callback (logged with the error).
 */
export class CallbackSender {
  private readonly log: SentCallback[] = [];
  private nextId = 1;

  async send(request: CallbackRequest): Promise<SentCallback> {
    const method = (request.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
    let url = request.url;
    if (method === 'GET') {
      const target = new URL(request.url);
      for (const [key, value] of Object.entries(request.params)) target.searchParams.append(key, value);
      url = target.toString();
    }
    const signature = twilioSignature(request.authToken, url, method === 'POST' ? request.params : {});
    const entry: SentCallback = {
      id: this.nextId++,
      kind: request.kind,
      resourceSid: request.resourceSid,
      url,
      method,
      params: request.params,
      signature,
      replayOf: request.replayOf,
      sentAt: new Date().toISOString(),
    };
    this.log.push(entry);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    try {
      const response = await fetch(url, {
        method,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1',
          // A repeated delivery carries the first one's token, as Twilio's own retries do.
          'i-twilio-idempotency-token': `${request.resourceSid}-${request.replayOf ?? entry.id}`,
        },
        body: method === 'POST' ? new URLSearchParams(request.params).toString() : undefined,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      entry.responseStatus = response.status;
      entry.responseBody = (await response.text()).slice(0, 4096);
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
    }
    return entry;
  }

  list(filter: { resourceSid?: string; kind?: string } = {}): SentCallback[] {
    return this.log.filter(
      (e) =>
        (filter.resourceSid === undefined || e.resourceSid === filter.resourceSid) &&
        (filter.kind === undefined || e.kind === filter.kind),
    );
  }

  byId(id: number): SentCallback | undefined {
    return this.log.find((e) => e.id === id);
  }
}

/** Runs steps one after another per key, so one call's or message's callbacks arrive in order. */
export class SerialQueue {
  private readonly chains = new Map<string, Promise<unknown>>();

  run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(step);
    const settled = next.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }

  /** Resolves once every step queued so far under the key has run. */
  async drain(key: string): Promise<void> {
    await this.chains.get(key);
  }
}
