import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { billingReadOnlyKey } from '@engage/contracts';
import { DomainError } from '@engage/errors';
import { GATEWAY_REDIS } from '../infra/tokens';

/** 402: the tenant is past due beyond its grace period; reads, exports and billing still work. */
export class PaymentRequiredError extends DomainError {
  constructor(from: number) {
    super('payment_required', 402, 'The subscription is past due: the account is read-only until the payment is made (POST /v1/billing/portal).', {
      read_only_since: new Date(from).toISOString(),
    });
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Writes that stay open while read-only: paying (billing) and the caller's own session (auth). */
const OPEN_PREFIXES = ['/v1/billing/', '/v1/auth/'];

/**
 * Read-only for past-due tenants (ADR 0025). user-service publishes, per tenant, the moment from
 * which writes are refused; this reads it on writes only (one Redis GET), so reads cost nothing
 * and a payment takes effect on the next request. Without the key, or without Redis answering
 * in time, writes pass: a lapse of billing enforcement is preferable to locking paying customers out.
 */
@Injectable()
export class BillingGate {
  constructor(@Inject(GATEWAY_REDIS) private readonly redis: Redis) {}

  async assertWritable(method: string, routePath: string | undefined, tenantId: string): Promise<void> {
    if (!WRITE_METHODS.has(method)) return;
    const path = routePath ?? '';
    if (OPEN_PREFIXES.some((p) => path.startsWith(p))) return;
    let value: string | null;
    try {
      value = await this.redis.get(billingReadOnlyKey(tenantId));
    } catch {
      return;
    }
    const from = value === null ? NaN : Number(value);
    if (Number.isFinite(from) && from <= Date.now()) throw new PaymentRequiredError(from);
  }
}
