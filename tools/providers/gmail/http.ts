/**
 * HTTP plumbing shared by the stand-in's routes: bodies, JSON answers and the two error shapes
 * Google uses — `{error: {code, message, errors, status}}` on the Gmail API (read by gaxios into
 * a GaxiosError with `status`) and `{error, error_description}` on the OAuth endpoints.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 1024 * 1024;

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** A Gmail API error as Google answers it. */
export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      error: {
        code: this.status,
        message: this.message,
        errors: [{ message: this.message, domain: 'global', reason: this.reason }],
        status: STATUS_NAMES[this.status] ?? 'UNKNOWN',
      },
    };
  }
}

/** An OAuth endpoint error (`invalid_grant`, `invalid_client`, …) as Google answers it. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
  }

  body(): Record<string, string> {
    return { error: this.code, error_description: this.description };
  }
}

export const notFound = (): GoogleApiError => new GoogleApiError(404, 'notFound', 'Requested entity was not found.');
export const badRequest = (message: string): GoogleApiError => new GoogleApiError(400, 'invalidArgument', message);

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw badRequest('Request body too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON object body (empty body → {}); anything else is a 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Invalid JSON payload received. ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

/** Form bodies (the token endpoint) or JSON bodies, whichever the content type says. */
export function parseParams(req: IncomingMessage, body: string): URLSearchParams {
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    const object = parseJsonObject(body);
    return new URLSearchParams(Object.entries(object).map(([k, v]): [string, string] => [k, String(v)]));
  }
  return new URLSearchParams(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof OAuthError) return sendJson(res, error.status, error.body());
  const apiError = error instanceof GoogleApiError ? error : new GoogleApiError(500, 'backendError', `Gmail stand-in error: ${(error as Error).message}`);
  const headers: Record<string, string> = {};
  if (apiError.status === 401) headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
  sendJson(res, apiError.status, apiError.body(), headers);
}

/** The bearer token of a request: `Authorization: Bearer …` or the `access_token` query parameter. */
export function bearerToken(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match ? match[1].trim() : (query.get('access_token') ?? undefined);
}

/** Opaque page tokens: base64url JSON, refused with Google's 400 when tampered with. */
export function encodePageToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodePageToken<T>(token: string | null, valid: (value: unknown) => value is T): T | null {
  if (!token) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (valid(value)) return value;
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('Invalid pageToken');
}
