import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TwilioWebhookCommand, WebhookOutcome } from '@engage/contracts';
import { DomainError } from '@engage/errors';
import type { VoiceCallbacksService } from './voice-callbacks.service';

/** What a webhook route does with a callback: an outcome (JSON) or TwiML (XML). */
type WebhookHandler = (input: TwilioWebhookCommand) => Promise<WebhookOutcome | { twiml: string }>;

/**
 * For integration specs: a real HTTP endpoint that does what the gateway's webhook routes do —
 * reads the form body and X-Twilio-Signature and hands them, with the path and query it was posted
 * to, to the service — so the stand-in's callbacks reach the service exactly as they would in
 * production. Voice status callbacks go to the attached VoiceCallbacksService; other paths to the
 * handler routed for them.
 */
export class TestCallbackGateway {
  readonly outcomes: Array<{ path: string; status: number; outcome?: WebhookOutcome['outcome']; twiml?: string; params: Record<string, string> }> = [];
  private server?: Server;
  private readonly routes = new Map<string, WebhookHandler>();
  url = '';

  /** The service the voice status callbacks go to (set once the kit that needs this URL exists). */
  attach(callbacks: VoiceCallbacksService): this {
    return this.route('/webhooks/twilio/voice/status', (input) => callbacks.applyStatus(input));
  }

  route(path: string, handler: WebhookHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const signature = req.headers['x-twilio-signature'];
        const path = (req.url ?? '/').split('?')[0];
        const handler = this.routes.get(path);
        if (!handler) {
          this.outcomes.push({ path, status: 404, params });
          res.writeHead(404).end();
          return;
        }
        handler({ url: req.url ?? '/', params, signature: typeof signature === 'string' ? signature : undefined }).then(
          (result) => {
            if ('twiml' in result) {
              this.outcomes.push({ path, status: 200, twiml: result.twiml, params });
              res.writeHead(200, { 'content-type': 'text/xml' }).end(result.twiml);
            } else {
              this.outcomes.push({ path, status: 200, outcome: result.outcome, params });
              res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
            }
          },
          (error: unknown) => {
            const status = error instanceof DomainError ? error.status : 500;
            this.outcomes.push({ path, status, params });
            res.writeHead(status).end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
