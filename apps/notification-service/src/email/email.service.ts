import { Inject, Injectable } from '@nestjs/common';
import { type NotificationView, type SendLinkEmailReply, SendLinkEmailRequest, Subjects } from '@engage/contracts';
import { type RequestContext, systemContext } from '@engage/context';
import { ForbiddenError } from '@engage/errors';
import type { Logger } from '@engage/logging';
import { RpcClient } from '@engage/messaging';
import { LOGGER, SERVICE_CONFIG } from '@engage/service-runtime';
import type { NotificationConfig } from '../config';
import { Mailer } from './mailer';
import { renderLinkEmail, renderNotificationEmail } from './templates';

/** Where each link leads in the web app; the token goes in the query string. */
const LINK_PATHS = { password_reset: '/reset-password', invitation: '/accept-invitation' } as const;

/** Only what identifies a failure, never the message's content or the address's token. */
const failure = (error: unknown) => ({ code: (error as { code?: string })?.code ?? null, name: (error as Error)?.name ?? 'Error' });

/**
 * The emails Engage sends: password-reset and invitation links (asked for by user-service, which
 * alone creates their tokens, ADR 0024) and notifications a user chose to receive by email.
 * Neither the token nor the rendered email is ever logged.
 */
@Injectable()
export class EmailService {
  constructor(
    private readonly mailer: Mailer,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Mails a one-time link. Only user-service may ask (the caller is a service, not a user: a
   * request carrying a user's context is refused), and the request names the tenant and user.
   */
  async sendLink(ctx: RequestContext, request: SendLinkEmailRequest): Promise<SendLinkEmailReply> {
    if (ctx.role !== null) throw new ForbiddenError();
    const link = `${this.config.appUrl}${LINK_PATHS[request.kind]}?token=${encodeURIComponent(request.token)}`;
    const email = renderLinkEmail({ kind: request.kind, fullName: request.full_name, link, expiresAt: request.expires_at });
    try {
      const sent = await this.mailer.send(request.email, email);
      if (!sent) this.logger.warn({ kind: request.kind, tenant_id: request.tenant_id, user_id: request.user_id }, 'no SMTP_URL: link email not sent');
      return { sent };
    } catch (error) {
      this.logger.warn({ ...failure(error), kind: request.kind, tenant_id: request.tenant_id, user_id: request.user_id }, 'link email not sent');
      return { sent: false };
    }
  }

  /**
   * Mails a notification to its user, asking user-service for their address and name as the user
   * themselves (`user.users.me`, which any signed-in user may ask about themselves). Best effort:
   * the notification is in the inbox whatever happens here.
   */
  async sendNotification(tenantId: string, userId: string, notification: NotificationView): Promise<boolean> {
    try {
      const ctx = systemContext({ tenantId, userId });
      const user = await this.rpc.request(Subjects.user.users.me, {}, ctx, { timeoutMs: 5000 });
      if (!user.is_active) return false;
      return await this.mailer.send(user.email, renderNotificationEmail(notification, user.full_name, this.config.appUrl));
    } catch (error) {
      this.logger.warn({ ...failure(error), tenant_id: tenantId, user_id: userId, notification_id: notification.id }, 'notification email not sent');
      return false;
    }
  }
}
