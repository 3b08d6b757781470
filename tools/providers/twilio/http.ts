import type { IncomingMessage, ServerResponse } from 'node:http';

/** Twilio answers every error with this body, and the SDK's RestException reads these fields. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** An error a route throws to answer with Twilio's error body instead of a 500. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  body(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

export const notFound = (path: string): TwilioApiError =>
  new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);

/** Request bodies above this size are refused, as Twilio refuses oversized requests. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new TwilioApiError(413, 20413, 'Request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Form parameters as Twilio reads them: repeated keys (`StatusCallbackEvent=ringing&StatusCallbackEvent=answered`)
 * become a list, and a single value may also hold space-separated values, as Twilio accepts both.
 */
export class FormParams {
  constructor(private readonly params: URLSearchParams) {}

  static parse(text: string): FormParams {
    return new FormParams(new URLSearchParams(text));
  }

  get(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null ? undefined : value;
  }

  list(name: string): string[] {
    return this.params
      .getAll(name)
      .flatMap((v) => v.split(/[\s,]+/))
      .filter((v) => v !== '');
  }

  bool(name: string): boolean {
    return (this.get(name) ?? '').toLowerCase() === 'true';
  }

  int(name: string): number | undefined {
    const raw = this.get(name);
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new TwilioApiError(400, 21200, `Invalid value for ${name}`);
    return n;
  }

  has(name: string): boolean {
    return this.params.has(name);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: TwilioApiError): void {
  const headers: Record<string, string> = {};
  if (error.status === 401) headers['www-authenticate'] = 'Basic realm="Twilio API"';
  const text = JSON.stringify(error.body());
  res.writeHead(error.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}

/** The user and password of an HTTP Basic Authorization header, or undefined. */
export function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
