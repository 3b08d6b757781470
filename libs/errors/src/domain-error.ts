import { ErrorCode, type ErrorEnvelope } from '@engage/contracts';

/**
 * The one error type services throw. It carries a stable code and the HTTP status the gateway
 * will answer with; it crosses NATS as an {@link ErrorEnvelope}.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toEnvelope(): ErrorEnvelope {
    return { code: this.code, status: this.status, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }

  static fromEnvelope(envelope: ErrorEnvelope): DomainError {
    return new DomainError(envelope.code, envelope.status, envelope.message, envelope.details);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.validationFailed, 400, message, details);
  }
}
export class BadRequestError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.badRequest, 400, message, details);
  }
}
export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication is required.') {
    super(ErrorCode.unauthorized, 401, message);
  }
}
export class ForbiddenError extends DomainError {
  constructor(message = 'You do not have permission to do this.') {
    super(ErrorCode.forbidden, 403, message);
  }
}
/** Also what another tenant's id answers, so that existence never leaks across tenants. */
export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string) {
    super(ErrorCode.notFound, 404, `${entity} not found.`, id ? { id } : undefined);
  }
}
export class ConflictError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>, code: string = ErrorCode.conflict) {
    super(code, 409, message, details);
  }
}
export class PreconditionFailedError extends DomainError {
  constructor(message = 'The resource changed since you read it.', details?: Record<string, unknown>) {
    super(ErrorCode.preconditionFailed, 412, message, details);
  }
}
/** A business rule refused the request (422 with the rule's own code, e.g. `do_not_call`). */
export class BusinessRuleError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, 422, message, details);
  }
}
export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number, message = 'Too many requests; try again later.') {
    super(ErrorCode.rateLimited, 429, message, { retry_after_s: retryAfterSeconds });
  }
}
export class TimeoutError extends DomainError {
  constructor(what: string) {
    super(ErrorCode.timeout, 504, `${what} did not answer in time.`);
  }
}
export class UnavailableError extends DomainError {
  constructor(what: string) {
    super(ErrorCode.unavailable, 503, `${what} is unavailable.`);
  }
}
export class InternalError extends DomainError {
  constructor() {
    super(ErrorCode.internal, 500, 'Something went wrong on our side.');
  }
}

/** Any thrown value as an envelope; unknown errors become a bare 500 with no internals. */
export const toErrorEnvelope = (error: unknown): ErrorEnvelope =>
  error instanceof DomainError ? error.toEnvelope() : new InternalError().toEnvelope();
