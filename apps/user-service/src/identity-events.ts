import type { EventSubject } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import type { Tx } from '@engage/database';
import { type OutboxWriter, outboxEvent } from '@engage/messaging';

/**
 * Identity events double as the audit trail of SPEC section 7: every mutation and every
 * authentication outcome is written to the outbox in the same transaction as its effect.
 * Payloads never contain passwords, hashes or tokens (the reset and invitation token is the
 * one exception: the notification service mails it, see docs/adr/0006).
 */
export async function recordEvent<TPayload extends object>(
  outbox: OutboxWriter,
  tx: Tx,
  ctx: TenantContext,
  event: EventSubject<TPayload>,
  aggregate: { id: string; version?: number },
  payload: NoInfer<TPayload>,
): Promise<void> {
  await outbox.append(tx, ctx, [outboxEvent(event, { aggregateId: aggregate.id, version: aggregate.version ?? 0, payload })]);
}
