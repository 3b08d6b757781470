/**
 * Delivers events to the webhook endpoint the way Stripe does: a JSON POST signed with
 * `Stripe-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of "t.payload" with the endpoint secret>`,
 * retried with backoff when the endpoint does not answer 2xx. Tests can also script the
 * deliveries Stripe makes in bad weather: hold events and release them in reverse order,
 * deliver one again (a duplicate), or deliver it with an old signature timestamp.
 */
import { createHmac } from 'node:crypto';
import type { EventJson } from './store';

export interface Delivery {
  event_id: string;
  type: string;
  attempt: number;
  /** The `t=` of the signature (wall-clock seconds when signed, minus any requested age). */
  signed_at: number;
  /** HTTP status from the endpoint; null when the request itself failed. */
  status: number | null;
  error: string | null;
  reason: 'live' | 'retry' | 'released' | 'resend';
  delivered_at: string;
}

export interface WebhookRetryOptions {
  /** Total attempts per event, the first included (Stripe tries for days; tests want seconds). */
  attempts: number;
  /** Delay before the first retry; doubled for each further retry. */
  delayMs: number;
}

export function signStripePayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private held: EventJson[] | null = null;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    public url: string | null,
    private readonly secret: string,
    private readonly retry: WebhookRetryOptions,
  ) {}

  get holding(): boolean {
    return this.held !== null;
  }

  /** Queues a live delivery; events go out one at a time in the order they happened. */
  enqueue(event: EventJson): void {
    if (this.held) {
      this.held.push(event);
      return;
    }
    this.chain(() => this.deliver(event, 'live', 0, 1));
  }

  /** Resolves once every queued delivery has been attempted once. */
  drain(): Promise<void> {
    return this.queue;
  }

  hold(): void {
    this.held ??= [];
  }

  /** Stops holding and delivers what was held, newest first unless `order` is 'original'. */
  release(order: 'reversed' | 'original'): EventJson[] {
    const events = this.held ?? [];
    this.held = null;
    const ordered = order === 'reversed' ? [...events].reverse() : events;
    for (const event of ordered) this.chain(() => this.deliver(event, 'released', 0, 1));
    return ordered;
  }

  /** Delivers an already-sent event again, optionally signed `ageSeconds` in the past. */
  resend(event: EventJson, ageSeconds: number): void {
    this.chain(() => this.deliver(event, 'resend', ageSeconds, 1));
  }

  stop(): void {
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  reset(): void {
    this.stop();
    this.deliveries.length = 0;
    this.held = null;
  }

  private chain(task: () => Promise<void>): void {
    this.queue = this.queue.then(task, task);
  }

  private async deliver(event: EventJson, reason: Delivery['reason'], ageSeconds: number, attempt: number): Promise<void> {
    const url = this.url;
    if (!url) return;
    const payload = JSON.stringify(event, null, 2);
    const signedAt = Math.floor(Date.now() / 1000) - ageSeconds;
    const record: Delivery = {
      event_id: event.id,
      type: event.type,
      attempt,
      signed_at: signedAt,
      status: null,
      error: null,
      reason,
      delivered_at: new Date().toISOString(),
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signStripePayload(payload, this.secret, signedAt),
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      record.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      record.error = (error as Error).message;
    }
    this.deliveries.push(record);
    const ok = record.status !== null && record.status >= 200 && record.status < 300;
    // A stale signature is the test's intent, not a failure to retry.
    if (!ok && reason !== 'resend' && attempt < this.retry.attempts) {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.chain(() => this.deliver(event, 'retry', 0, attempt + 1));
      }, this.retry.delayMs * 2 ** (attempt - 1));
      this.retryTimers.add(timer);
    }
  }
}
