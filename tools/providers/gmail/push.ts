/**
 * Pub/Sub push delivery as Gmail's watch produces it: a POST of
 * `{message: {data: base64({emailAddress, historyId}), messageId, publishTime, attributes}, subscription}`
 * to the push endpoint, with the push token appended as `?token=` (how Google's Gmail push guide
 * suggests an endpoint verifies pushes). A non-2xx answer is retried with backoff, as Pub/Sub does.
 */
import { randomInt } from 'node:crypto';
import { GMAIL_STAND_IN_SUBSCRIPTION } from './constants';

export interface PushAttempt {
  messageId: string;
  emailAddress: string | null;
  historyId: string | null;
  attempt: number;
  url: string;
  status: number | null;
  error: string | null;
  sentAt: string;
  body: string;
}

export interface PushRetry {
  attempts: number;
  delayMs: number;
}

/** What a test can send instead of the real thing: another token, another body (malformed pushes). */
export interface PushOverride {
  token?: string | null;
  body?: string;
}

export class PushSender {
  readonly attempts: PushAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    public url: string | null,
    public token: string,
    private readonly retry: PushRetry,
  ) {}

  /** Sends one notification; resolves after the first attempt (retries continue in the background). */
  async notify(emailAddress: string | null, historyId: string | null, override: PushOverride = {}): Promise<PushAttempt | null> {
    if (!this.url) return null;
    const messageId = String(randomInt(10 ** 12, 10 ** 13));
    const publishTime = new Date().toISOString();
    const data = Buffer.from(JSON.stringify({ emailAddress, historyId: historyId === null ? null : Number(historyId) })).toString('base64');
    const body =
      override.body ??
      JSON.stringify({
        message: { data, messageId, message_id: messageId, publishTime, publish_time: publishTime, attributes: {} },
        subscription: GMAIL_STAND_IN_SUBSCRIPTION,
      });
    const target = new URL(this.url);
    const token = override.token === undefined ? this.token : override.token;
    if (token !== null) target.searchParams.set('token', token);
    return this.attempt(target.toString(), body, { messageId, emailAddress, historyId }, 1);
  }

  private async attempt(url: string, body: string, meta: Pick<PushAttempt, 'messageId' | 'emailAddress' | 'historyId'>, attempt: number): Promise<PushAttempt> {
    const record: PushAttempt = { ...meta, attempt, url, status: null, error: null, sentAt: new Date().toISOString(), body };
    this.attempts.push(record);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
      record.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      record.error = (error as Error).message;
    }
    const failed = record.status === null || record.status < 200 || record.status >= 300;
    if (failed && attempt < this.retry.attempts && !this.stopped) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          void this.attempt(url, body, meta, attempt + 1);
        },
        this.retry.delayMs * 2 ** (attempt - 1),
      );
      this.timers.add(timer);
    }
    return record;
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }
}
