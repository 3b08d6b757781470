import type { EntityManager } from 'typeorm';
import type { TenantContext } from '@engage/context';
import type { OutboxWriter } from '@engage/messaging';

/**
 * Identity events double as the audit trail of SPEC section 7: every mutation and every
 * authentication outcome is written to the outbox in the same transaction as its effect.
 * Payloads never contain passwords, hashes or tokens (the reset and invitation token is the
 * one exception: the notification service mails it, see docs/adr/0006).
 */
export async function recordEvent(
  outbox: OutboxWriter,
  tx: EntityManager,
  ctx: TenantContext,
  subject: string,
  aggregate: { type: 'tenant' | 'user' | 'api_key'; id: string; version?: number },
  payload: Record<string, unknown>,
): Promise<void> {
  await outbox.append(tx, ctx, [
    { subject, aggregateType: aggregate.type, aggregateId: aggregate.id, version: aggregate.version ?? 0, payload },
  ]);
}
