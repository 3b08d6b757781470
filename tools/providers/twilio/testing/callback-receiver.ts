import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request Twilio (or the stand-in) made to the application. */
export interface ReceivedCallback {
  method: string;
  path: string;
  /** The full URL the sender used, which is what the signature covers. */
  url: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}

/**
 * A real HTTP receiver standing where the application's webhooks would be: records every request and
 * answers 200, with the TwiML set for its path (for voice URLs), so tests see exactly what was sent.
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private readonly twiml = new Map<string, string>();
  private readonly waiters: Array<() => void> = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = new URL(req.url ?? '/', this.url);
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          method: req.method ?? 'GET',
          path: target.pathname,
          url: `${this.url}${req.url ?? '/'}`,
          headers: req.headers,
          params: Object.fromEntries(new URLSearchParams(body)),
        });
        const twiml = this.twiml.get(target.pathname);
        if (twiml !== undefined) res.writeHead(200, { 'content-type': 'text/xml' }).end(twiml);
        else res.writeHead(204).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers requests to `path` with this TwiML. */
  respondWith(path: string, twiml: string): void {
    this.twiml.set(path, twiml);
  }

  on(path: string, filter: (c: ReceivedCallback) => boolean = () => true): ReceivedCallback[] {
    return this.received.filter((c) => c.path === path && filter(c));
  }

  /** Resolves once `count` requests matching have arrived (rejects after `timeoutMs`). */
  async waitFor(count: number, path: string, filter?: (c: ReceivedCallback) => boolean, timeoutMs = 10_000): Promise<ReceivedCallback[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.on(path, filter);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} requests to ${path}, got ${found.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
