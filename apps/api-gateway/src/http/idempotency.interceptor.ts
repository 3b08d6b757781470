import { createHash } from 'node:crypto';
import { applyDecorators, type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { catchError, concatMap, from, map, type Observable, of, switchMap, throwError } from 'rxjs';
import { BadRequestError, BusinessRuleError, ConflictError, UnavailableError } from '@engage/errors';
import { GATEWAY_REDIS } from '../infra/tokens';
import { getRequestContext } from './request-context';

/** How long a key's answer is kept for replay (a day, as payment APIs do). */
export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;
/** What a key may look like: 1–255 visible ASCII characters (a UUID is the usual choice). */
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/** Response headers replayed with the stored answer. */
const KEPT_HEADERS = ['etag', 'location'];

interface Pending {
  state: 'pending';
  fingerprint: string;
}
interface Done {
  state: 'done';
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * `Idempotency-Key` on a create (SPEC: `POST` accepts it). The first request with a key runs
 * and its answer is kept for a day; a retry with the same key and the same body gets that answer
 * again (`Idempotent-Replayed: true`) without running twice, so a client that lost the answer to
 * a timeout can safely send the request again. The same key with another body is refused (422
 * `idempotency_key_reused`); while the first request is still running, a retry gets 409. Keys
 * are scoped to the caller (tenant and user). An error answer is not kept: the request can be
 * retried with the same key. Requests without the header are untouched.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(GATEWAY_REDIS) private readonly redis: Redis) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const header = req.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
      throw new BadRequestError('Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    const ctx = getRequestContext(req);
    const redisKey = `idem:${ctx?.tenantId ?? '-'}:${ctx?.userId ?? ctx?.apiKeyId ?? '-'}:${sha256(header)}`;
    const fingerprint = sha256(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`);
    const reply = http.getResponse<FastifyReply>();

    return from(this.claim(redisKey, fingerprint)).pipe(
      switchMap((previous) => {
        if (previous) {
          for (const [name, value] of Object.entries(previous.headers)) void reply.header(name, value);
          void reply.header('Idempotent-Replayed', 'true');
          void reply.status(previous.status);
          return of(previous.body);
        }
        return next.handle().pipe(
          concatMap((body) => {
            const headers = Object.fromEntries(
              KEPT_HEADERS.flatMap((name) => {
                const value = reply.getHeader(name);
                return value === undefined ? [] : [[name, String(value)]];
              }),
            );
            // Nest sets the route's status (201, or its @HttpCode) before the handler runs.
            const done: Done = { state: 'done', fingerprint, status: reply.statusCode, headers, body };
            // The work is done whatever happens here: if the answer cannot be kept, free the key
            // rather than leave it pending for a day.
            const kept = this.redis.set(redisKey, JSON.stringify(done), 'EX', IDEMPOTENCY_TTL_S).catch(() => this.redis.del(redisKey).catch(() => 0));
            return from(kept).pipe(map(() => body));
          }),
          catchError((error: unknown) => {
            // Nothing was done, or nothing worth replaying: free the key for a retry.
            void this.redis.del(redisKey).catch(() => 0);
            return throwError(() => error);
          }),
        );
      }),
    );
  }

  /**
   * Claims the key for this request (null: go ahead), or returns the stored answer to replay.
   * Throws when the key is busy or was used for another request.
   */
  private async claim(redisKey: string, fingerprint: string): Promise<Done | null> {
    const pending: Pending = { state: 'pending', fingerprint };
    let stored: string | null;
    try {
      if ((await this.redis.set(redisKey, JSON.stringify(pending), 'EX', IDEMPOTENCY_TTL_S, 'NX')) === 'OK') return null;
      stored = await this.redis.get(redisKey);
    } catch {
      throw new UnavailableError('The idempotency store');
    }
    if (stored === null) return this.claim(redisKey, fingerprint);
    const previous = JSON.parse(stored) as Pending | Done;
    if (previous.fingerprint !== fingerprint) {
      throw new BusinessRuleError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
    }
    if (previous.state === 'pending') throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly.');
    return previous;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** On a `POST` handler that creates something: honours `Idempotency-Key` (see IdempotencyInterceptor). */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique string (a UUID): a retry with the same key and body within a day gets the first answer again (`Idempotent-Replayed: true`) instead of running twice.',
    }),
  );
