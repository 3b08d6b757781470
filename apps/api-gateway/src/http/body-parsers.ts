import { PassThrough } from 'node:stream';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@engage/contracts';
import { BadRequestError, DomainError } from '@engage/errors';

/**
 * How far objects and arrays may nest in a JSON body. No request of the API needs more than a few
 * levels; a body nested thousands deep is an attack on whatever walks it afterwards (validation,
 * transformation), so it is refused before it is parsed.
 */
export const MAX_JSON_DEPTH = 64;

/** The body types a route may take besides JSON (see {@link AcceptsBody}). */
export const BODY_TYPES = {
  json: ['application/json'],
  /** The CSV import: a raw CSV body or a multipart form carrying the file. */
  csv: ['text/csv', 'application/csv', 'multipart/form-data'],
  /** Provider webhooks, which post forms as the providers send them. */
  form: ['application/x-www-form-urlencoded'],
} as const;

export type BodyKind = keyof typeof BODY_TYPES;

/** CSV bodies, handed to the import route as the raw request stream. */
export const CSV_STREAM_TYPES = ['text/csv', 'application/csv'];
const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD']);

export class UnsupportedMediaTypeError extends DomainError {
  constructor(accepted: readonly string[]) {
    super(ErrorCode.unsupportedMediaType, 415, `This route accepts ${accepted.join(' or ')} bodies.`, { accepted: [...accepted] });
  }
}

/** A JSON or form body that did not arrive within the body timeout (a trickling client). */
export class BodyTimeoutError extends DomainError {
  constructor() {
    super(ErrorCode.timeout, 408, 'The request body did not arrive in time.');
  }
}

/**
 * Declares the body types a route takes (JSON when it says nothing). Every other type is refused
 * with 415 before a byte of the body is read, so a stream parser meant for one route can never
 * hand a body to another, and no body escapes its size limit.
 */
export const AcceptsBody = (...kinds: BodyKind[]) => RouteConfig({ bodyTypes: kinds.flatMap((k) => BODY_TYPES[k]) });

/**
 * A JSON route that also needs the body's exact bytes (Stripe signs them, and any re-serialised
 * JSON would no longer verify): the parser keeps them, read with {@link rawBodyOf}.
 */
export const KeepsRawJsonBody = () => RouteConfig({ bodyTypes: BODY_TYPES.json, rawBody: true });

const RAW_BODY = Symbol('rawBody');

/** The bytes of a JSON body on a {@link KeepsRawJsonBody} route, or null. */
export const rawBodyOf = (req: FastifyRequest): Buffer | null => (req as unknown as { [RAW_BODY]?: Buffer })[RAW_BODY] ?? null;

/** The media type of a request, lower-cased and without parameters (`text/csv; charset=utf-8` → `text/csv`). */
export const mediaTypeOf = (req: Pick<FastifyRequest, 'headers'>): string =>
  String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

const hasBody = (req: FastifyRequest): boolean =>
  !METHODS_WITHOUT_BODY.has(req.method) &&
  (req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0'));

/**
 * Whether a JSON text nests objects and arrays deeper than `limit`, found without parsing it
 * (brackets inside strings do not count); stops as soon as the limit is passed.
 */
export function jsonDepthExceeds(body: Buffer | string, limit: number): boolean {
  const text = typeof body === 'string' ? Buffer.from(body) : body;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The body parsers of the gateway, replacing Fastify's and Nest's defaults (which also accept
 * text/plain and form bodies on every route):
 * - JSON, at most `bodyLimit` bytes and {@link MAX_JSON_DEPTH} levels deep, parsed with Fastify's
 *   secure-json-parse (a `__proto__` or `constructor.prototype` key is refused);
 * - form-urlencoded, at most `bodyLimit` bytes, into a null-prototype object (webhook routes only);
 * - CSV, handed over as the request stream (the import route counts its bytes against its own
 *   limit while reading); multipart is registered by the CRM module with its own limits.
 * A `preParsing` hook refuses with 415 any body type the route did not declare (see
 * {@link AcceptsBody}), and gives a JSON or form body `bodyTimeoutMs` to arrive in full (408 and
 * the connection closed otherwise); streamed CSV uploads are bounded by the request timeout.
 */
export function installBodyParsers(fastify: FastifyInstance, { bodyLimit, bodyTimeoutMs }: { bodyLimit: number; bodyTimeoutMs: number }) {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    if (jsonDepthExceeds(body as Buffer, MAX_JSON_DEPTH)) {
      done(new BadRequestError(`The JSON body is nested too deeply (at most ${MAX_JSON_DEPTH} levels).`), undefined);
      return;
    }
    if ((req.routeOptions.config as { rawBody?: boolean } | undefined)?.rawBody) (req as unknown as { [RAW_BODY]?: Buffer })[RAW_BODY] = body as Buffer;
    // secure-json-parse takes the buffer as it is (Fastify types it as a string).
    parseJson(req, body as unknown as string, done);
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    const form: Record<string, string> = Object.create(null);
    for (const [key, value] of new URLSearchParams(body as string)) form[key] = value;
    done(null, form);
  });
  for (const type of CSV_STREAM_TYPES) fastify.addContentTypeParser(type, (_req, payload, done) => done(null, payload));

  fastify.addHook('preParsing', (req, reply, payload, done) => {
    if (!hasBody(req)) return done(null, payload);
    const accepted = (req.routeOptions.config as { bodyTypes?: readonly string[] } | undefined)?.bodyTypes ?? BODY_TYPES.json;
    const type = mediaTypeOf(req);
    if (!accepted.includes(type)) return done(new UnsupportedMediaTypeError(accepted), undefined);
    if (CSV_STREAM_TYPES.includes(type) || type === 'multipart/form-data') return done(null, payload);
    done(null, withDeadline(payload, bodyTimeoutMs, reply));
  });
}

/**
 * The body stream, failing with {@link BodyTimeoutError} unless it ends within `ms`. The error
 * reaches Fastify's body reader, which answers it and closes the connection. The timer stops
 * when the body ends or the response is over (an early 413 or 415 stops reading the body).
 */
function withDeadline(payload: NodeJS.ReadableStream, ms: number, reply: FastifyReply): PassThrough {
  const body = new PassThrough();
  // Errors are for Fastify's reader when it still listens; none may go unhandled afterwards.
  body.on('error', () => undefined);
  const timer = setTimeout(() => {
    if (reply.sent || reply.raw.headersSent) return;
    void reply.header('connection', 'close');
    payload.unpipe(body);
    body.destroy(new BodyTimeoutError());
  }, ms);
  const stop = () => clearTimeout(timer);
  body.once('end', stop).once('close', stop);
  reply.raw.once('close', stop);
  payload.once('error', (error) => {
    stop();
    body.destroy(error);
  });
  payload.pipe(body);
  return body;
}
