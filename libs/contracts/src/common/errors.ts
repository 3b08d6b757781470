/**
 * Stable error codes shared by every service and the gateway (SPEC section 4). Clients branch on
 * `error`, never on the message text.
 */
export const ErrorCode = {
  validationFailed: 'validation_failed',
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  duplicate: 'duplicate',
  preconditionFailed: 'precondition_failed',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  rateLimited: 'rate_limited',
  upstreamError: 'upstream_error',
  unavailable: 'unavailable',
  timeout: 'timeout',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What a failed NATS request carries back to its caller. `code` may be a 422 business code. */
export interface ErrorEnvelope {
  code: string;
  status: number;
  message: string;
  details?: Record<string, unknown>;
}

/** The HTTP error body of SPEC section 4. */
export interface HttpErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
  request_id: string;
  timestamp: string;
}

/** The reply of every NATS request: exactly one of `data` or `error`. */
export type RpcReply<T> = { data: T; error?: undefined } | { data?: undefined; error: ErrorEnvelope };
