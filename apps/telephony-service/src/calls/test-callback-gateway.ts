import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookOutcome } from '@engage/contracts';
import { DomainError } from '@engage/errors';
import type { VoiceCallbacksService } from './voice-callbacks.service';

/**
 * For integration specs: a real HTTP endpoint that does what the gateway's webhook route does —
 * reads the form body and X-Twilio-Signature and hands them, with the path and query it was posted
 * to, to the service — so the stand-in's callbacks reach the service exactly as they would in production.
 */
export class TestCallbackGateway {
  readonly outcomes: Array<{ status: number; outcome?: WebhookOutcome['outcome']; params: Record<string, string> }> = [];
  private server?: Server;
  url = '';

  private callbacks?: VoiceCallbacksService;

  /** The service the callbacks go to (set once the kit that needs this URL exists). */
  attach(callbacks: VoiceCallbacksService): void {
    this.callbacks = callbacks;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const signature = req.headers['x-twilio-signature'];
        this.callbacks!.applyStatus({ url: req.url ?? '/', params, signature: typeof signature === 'string' ? signature : undefined }).then(
          (result) => {
            this.outcomes.push({ status: 200, outcome: result.outcome, params });
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
          },
          (error: unknown) => {
            const status = error instanceof DomainError ? error.status : 500;
            this.outcomes.push({ status, params });
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
