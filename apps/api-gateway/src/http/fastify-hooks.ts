import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runInContextCell, systemContext } from '@engage/context';
import type { Logger } from '@engage/logging';
import { sendError } from './http-error.filter';
import { getRequestContext, requestContextCell, setRequestContext } from './request-context';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a caller's X-Request-Id when it looks sane, otherwise makes one. */
export const requestIdFrom = (req: { headers: Record<string, string | string[] | undefined> }): string => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

const W3C_TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

const QUIET = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Fastify-level behaviour every request gets: the X-Request-Id response header, a starting
 * context (request id, traceparent), one structured access-log line, and the SPEC error body for
 * errors raised before any route runs (malformed JSON, oversized bodies, unknown routes).
 */
export function installHttpHooks(fastify: FastifyInstance, logger: Logger, { logProbes = false }: { logProbes?: boolean } = {}) {
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    const traceparent = req.headers.traceparent;
    setRequestContext(
      req,
      systemContext({
        requestId: req.id,
        traceparent: typeof traceparent === 'string' && W3C_TRACEPARENT.test(traceparent) ? traceparent : null,
      }),
    );
    done();
  });

  // The route handler (guards included) runs inside the request's context cell, so log lines
  // written while handling it carry the request and, once authenticated, the tenant. Entered
  // here, after the body is read, because Fastify calls the handler straight from this hook.
  fastify.addHook('preHandler', (req, _reply, done) => {
    const cell = requestContextCell(req);
    if (cell) runInContextCell(cell, done);
    else done();
  });

  fastify.addHook('onResponse', (req: FastifyRequest, reply, done) => {
    const path = req.url.split('?')[0];
    if (logProbes || !QUIET.has(path)) {
      const ctx = getRequestContext(req);
      logger.info(
        {
          request_id: req.id,
          tenant_id: ctx?.tenantId ?? undefined,
          user_id: ctx?.userId ?? undefined,
          method: req.method,
          path,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    }
    done();
  });

  fastify.setErrorHandler((error, req, reply) => sendError(reply, req, error, logger));
}
