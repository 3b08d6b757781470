import { HttpException } from '@nestjs/common';
import { ErrorCode, type HttpErrorBody } from '@engage/contracts';
import { DomainError, InternalError } from '@engage/errors';

const CODE_BY_STATUS: Record<number, string> = {
  400: ErrorCode.badRequest,
  401: ErrorCode.unauthorized,
  403: ErrorCode.forbidden,
  404: ErrorCode.notFound,
  405: ErrorCode.badRequest,
  409: ErrorCode.conflict,
  412: ErrorCode.preconditionFailed,
  413: ErrorCode.payloadTooLarge,
  415: ErrorCode.unsupportedMediaType,
  429: ErrorCode.rateLimited,
  502: ErrorCode.upstreamError,
  503: ErrorCode.unavailable,
  504: ErrorCode.timeout,
};

const MESSAGE_BY_CODE: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This content type is not accepted here.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
};

export interface MappedError {
  status: number;
  body: Omit<HttpErrorBody, 'request_id' | 'timestamp'>;
  retryAfterSeconds?: number;
  /** Our own bug: log it with its stack. */
  unexpected: boolean;
}

/**
 * Turns anything thrown while serving a request into the SPEC section 4 error body. Only errors
 * we did not anticipate become 500, and their message never leaves the process.
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      body: { error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
      retryAfterSeconds: typeof error.details?.retry_after_s === 'number' ? error.details.retry_after_s : undefined,
      unexpected: error.status >= 500 && error.code === ErrorCode.internal,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response && 'message' in response && typeof response.message === 'string'
        ? response.message
        : error.message;
    return { status, body: { error: CODE_BY_STATUS[status] ?? ErrorCode.badRequest, message }, unexpected: status >= 500 };
  }
  // Errors raised by Fastify itself before a handler runs (body parsing, limits).
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const message =
      (fastifyError.code && MESSAGE_BY_CODE[fastifyError.code]) ??
      (error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'The body is not valid JSON.' : 'The request could not be read.');
    return { status, body: { error: CODE_BY_STATUS[status] ?? ErrorCode.badRequest, message }, unexpected: false };
  }
  const internal = new InternalError();
  return { status: 500, body: { error: internal.code, message: internal.message }, unexpected: true };
}

export const errorBody = (mapped: MappedError, requestId: string): HttpErrorBody => ({
  ...mapped.body,
  request_id: requestId,
  timestamp: new Date().toISOString(),
});
