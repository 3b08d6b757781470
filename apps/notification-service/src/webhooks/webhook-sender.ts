import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type Lookup, RefusedTargetError, systemLookup, vetHost } from './address-guard';

/** The first kilobyte of a response is kept for the delivery log; the rest is not read. */
export const RESPONSE_BODY_MAX = 1024;

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  production: boolean;
}

/** What one attempt came to: a status (any, including 3xx: redirects are not followed), or an error. */
export interface SendResult {
  status: number | null;
  body: string | null;
  retryAfter: string | null;
  error: string | null;
  latencyMs: number;
  /** The target was refused by the SSRF guard (not retried any sooner than other failures). */
  refused?: boolean;
}

/**
 * Posts one webhook. The host is resolved and vetted here, at send time (see vetHost), and the
 * connection goes to the vetted address through a lookup that answers only that address, so a
 * DNS answer that changes between the check and the connection (rebinding) gains nothing; TLS still
 * verifies the certificate against the URL's host name. Redirects are not followed (a 3xx is
 * recorded as the answer). The whole attempt is bounded by `timeoutMs`, and at most
 * RESPONSE_BODY_MAX bytes of the answer are read, so a receiver that answers forever or answers a
 * gigabyte costs one bounded attempt.
 */
export class WebhookSender {
  constructor(private readonly lookup: Lookup = systemLookup) {}

  async send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return { status: null, body: null, retryAfter: null, error: 'invalid URL', latencyMs: 0 };
    }
    let vetted;
    try {
      vetted = await vetHost(url.hostname, req.production, this.lookup);
    } catch (error) {
      const message = error instanceof RefusedTargetError ? error.message : String(error);
      return { status: null, body: null, retryAfter: null, error: message, latencyMs: elapsed(), refused: error instanceof RefusedTargetError };
    }
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [vetted]);
      else callback(null, vetted.address, vetted.family);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: Omit<SendResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, latencyMs: elapsed() });
      };
      const req2 = request(
        url,
        {
          method: 'POST',
          lookup: pinned,
          headers: { ...req.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body), 'user-agent': 'Engage-Webhooks/1' },
          agent: false,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () => {
            const body = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_MAX).toString('utf8');
            const retryAfter = res.headers['retry-after'];
            finish({ status: res.statusCode ?? null, body, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, error: null });
            res.destroy();
          };
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= RESPONSE_BODY_MAX) done();
          });
          res.on('end', done);
          res.on('error', done);
        },
      );
      const timer = setTimeout(() => {
        finish({ status: null, body: null, retryAfter: null, error: `timed out after ${req.timeoutMs} ms` });
        req2.destroy();
      }, req.timeoutMs);
      req2.on('error', (error: NodeJS.ErrnoException) => finish({ status: null, body: null, retryAfter: null, error: error.code ? `${error.code}: ${error.message}` : error.message }));
      req2.end(req.body);
    });
  }
}
