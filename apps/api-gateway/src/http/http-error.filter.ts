import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@engage/logging';
import { GATEWAY_LOGGER } from '../infra/tokens';
import { errorBody, mapError } from './error-body';

/** Every error a route throws leaves as the SPEC error body with the request id. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(GATEWAY_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendError(reply, req, exception, this.logger);
  }
}

export function sendError(reply: FastifyReply, req: FastifyRequest, exception: unknown, logger: Logger) {
  const mapped = mapError(exception);
  if (mapped.unexpected) logger.error({ err: exception, request_id: req.id, url: req.url }, 'unexpected error');
  if (mapped.retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.ceil(mapped.retryAfterSeconds)));
  void reply.status(mapped.status).header('x-request-id', req.id).send(errorBody(mapped, req.id));
}
