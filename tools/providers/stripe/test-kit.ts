/**
 * What the stand-in's integration tests share: a real HTTP webhook endpoint that verifies each
 * delivery with the SDK's `webhooks.constructEvent` (as user-service will), and a small client
 * for the control API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { STRIPE_STAND_IN_WEBHOOK_SECRET } from './constants';

export interface ReceivedDelivery {
  /** The verified event, or null when constructEvent rejected the delivery. */
  event: Stripe.Event | null;
  error: string | null;
  signature: string;
}

export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  /** The status the endpoint answers with (tests set 500 to make Stripe retry). */
  answer = 200;
  private server: Server | null = null;
  url = '';

  constructor(
    private readonly stripe: Stripe,
    private readonly secret = STRIPE_STAND_IN_WEBHOOK_SECRET,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const payload = Buffer.concat(chunks);
        const signature = String(req.headers['stripe-signature'] ?? '');
        try {
          const event = this.stripe.webhooks.constructEvent(payload, signature, this.secret);
          this.received.push({ event, error: null, signature });
          res.writeHead(this.answer).end();
        } catch (error) {
          this.received.push({ event: null, error: (error as Error).message, signature });
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
    return this;
  }

  events(): Stripe.Event[] {
    return this.received.flatMap((d) => (d.event ? [d.event] : []));
  }

  types(): string[] {
    return this.events().map((e) => e.type);
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** POSTs to the control API and returns the JSON answer; throws on a non-2xx status. */
export async function control<T = Record<string, unknown>>(baseUrl: string, path: string, body?: unknown, method = 'POST'): Promise<T> {
  const response = await fetch(`${baseUrl}/_standin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}
