/**
 * Errors in Stripe's wire shape (`{ error: { type, code, message, param } }`) with the status
 * codes Stripe uses, so the SDK raises the same error classes it raises against the real API
 * (StripeInvalidRequestError, StripeAuthenticationError, StripeIdempotencyError, StripeAPIError).
 */
export type StripeErrorType = 'invalid_request_error' | 'api_error' | 'idempotency_error' | 'card_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }

  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

/** 404 for the object a path names; 400 when a parameter refers to a missing object, as Stripe answers. */
export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(param === 'id' ? 404 : 400, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${kind}: '${id}'`,
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
  });
}

export function missingParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
    doc_url: 'https://stripe.com/docs/error-codes/parameter-missing',
  });
}

export function invalidParam(param: string, message: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_invalid',
    param,
    message,
  });
}

export function invalidRequest(message: string, code?: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', message, ...(code ? { code } : {}) });
}

export function invalidApiKey(key: string | undefined): StripeApiError {
  const message = key
    ? `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`
    : 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').';
  return new StripeApiError(401, { type: 'invalid_request_error', message });
}

export function idempotencyMismatch(key: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). The Stripe stand-in answers only the paths listed in tools/providers/stripe/README.md.`,
  });
}

export function outage(): StripeApiError {
  return new StripeApiError(503, {
    type: 'api_error',
    message: 'The Stripe stand-in is in outage mode (POST /_standin/outage); every API request answers 503.',
  });
}
