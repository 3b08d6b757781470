import { Inject, Injectable } from '@nestjs/common';
import { type LinkEmailKind, Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import type { Logger } from '@engage/logging';
import { RpcClient } from '@engage/messaging';
import { LOGGER } from '@engage/service-runtime';

/** What a link email needs; `token` is the one-time secret and goes nowhere else. */
export interface LinkToMail {
  kind: LinkEmailKind;
  tenantId: string;
  requestId: string;
  userId: string;
  email: string;
  fullName: string | null;
  token: string;
  expiresAt: string;
}

const SEND_TIMEOUT_MS = 10_000;

/**
 * Hands a password-reset or invitation link to notification-service, which mails it (ADR 0024).
 * Called once the transaction that stored the token's hash has committed, by a direct request:
 * the token never enters an event, the outbox or a log line. A failure is logged (without the
 * token) and not retried: the user asks for another reset, or an admin invites again; each new
 * link voids the previous ones anyway.
 */
@Injectable()
export class LinkMailer {
  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async send(link: LinkToMail): Promise<void> {
    try {
      // As the service itself (no user, no role): notification-service refuses this subject from a user's request.
      const ctx = systemContext({ tenantId: link.tenantId, requestId: link.requestId });
      const reply = await this.rpc.request(
        Subjects.notification.email.sendLink,
        { kind: link.kind, tenant_id: link.tenantId, user_id: link.userId, email: link.email, full_name: link.fullName, token: link.token, expires_at: link.expiresAt },
        ctx,
        { timeoutMs: SEND_TIMEOUT_MS },
      );
      if (!reply.sent) this.logger.warn({ kind: link.kind, user_id: link.userId }, 'link email was not sent');
    } catch (error) {
      this.logger.warn({ kind: link.kind, user_id: link.userId, error: (error as Error)?.name ?? 'Error', code: (error as { code?: string })?.code ?? null }, 'link email request failed');
    }
  }
}
