import { randomUUID } from 'node:crypto';
import { createLogger } from '@engage/logging';
import type { RpcClient } from '@engage/messaging';
import { domainError } from '@engage/testing/kit';
import { startSmtpStandIn, SMTP_STAND_IN_PASSWORD, SMTP_STAND_IN_USER, type SmtpStandIn } from '@engage/providers/smtp';
import { NotificationConfig } from '../config';
import { EmailService } from './email.service';
import { SmtpMailer } from './mailer';
import { escapeHtml, renderLinkEmail } from './templates';

/** Link emails over real SMTP (nodemailer → the SMTP stand-in), rendered and escaped, never logged. */
describe('email', () => {
  let smtp: SmtpStandIn;
  let mailer: SmtpMailer;
  let service: EmailService;
  const lines: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpStandIn({ port: 0, inboxPort: 0 });
    const config = Object.assign(new NotificationConfig(), {
      SMTP_URL: `smtp://${SMTP_STAND_IN_USER}:${encodeURIComponent(SMTP_STAND_IN_PASSWORD)}@${smtp.host}:${smtp.port}`,
      APP_URL: 'http://app.engage.test/',
    });
    mailer = new SmtpMailer(config);
    const logger = createLogger({ service: 'email-int-spec', level: 'debug', destination: { write: (line: string) => lines.push(line) } } as never);
    service = new EmailService(mailer, {} as RpcClient, config, logger);
  });
  afterAll(async () => {
    mailer.onApplicationShutdown();
    await smtp.stop();
  });

  const inbox = async (to: string) => {
    const res = await fetch(`${smtp.inboxUrl}/messages?to=${encodeURIComponent(to)}`);
    return ((await res.json()) as { data: Array<{ subject: string; text: string; html: string; from: string }> }).data;
  };
  const request = (kind: 'password_reset' | 'invitation', email: string) => ({
    kind,
    tenant_id: randomUUID(),
    user_id: randomUUID(),
    email,
    full_name: 'Ada <Admin>',
    token: `pr_${randomUUID()}.secret`,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const service_ctx = { tenantId: null, userId: null, role: null, requestId: randomUUID(), traceparent: null, apiKeyId: null };

  it('mails a password reset with the link in plain text and HTML, escaped, to the SMTP server', async () => {
    const to = `reset-${randomUUID().slice(0, 8)}@example.test`;
    const req = request('password_reset', to);
    expect(await service.sendLink(service_ctx, req)).toEqual({ sent: true });
    const [mail] = await inbox(to);
    expect(mail.subject).toBe('Reset your Engage password');
    const link = `http://app.engage.test/reset-password?token=${encodeURIComponent(req.token)}`;
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('Hello Ada <Admin>,');
    expect(mail.html).toContain(`href="${escapeHtml(link)}"`);
    expect(mail.html).toContain('Hello Ada &lt;Admin&gt;,');
    expect(mail.html).not.toContain('<Admin>');
    // Nothing logged holds the token.
    expect(lines.join('\n')).not.toContain(req.token);
  });

  it('mails an invitation', async () => {
    const to = `invite-${randomUUID().slice(0, 8)}@example.test`;
    const req = request('invitation', to);
    await service.sendLink(service_ctx, req);
    const [mail] = await inbox(to);
    expect(mail.subject).toBe('You are invited to Engage');
    expect(mail.text).toContain(`/accept-invitation?token=${encodeURIComponent(req.token)}`);
  });

  it('refuses a link request carrying a user’s context (only user-service, as a service, asks)', async () => {
    const err = await domainError(service.sendLink({ ...service_ctx, tenantId: randomUUID(), userId: randomUUID(), role: 'admin' }, request('password_reset', 'x@example.test')));
    expect(err.status).toBe(403);
  });

  it('answers sent: false without logging the token when the server refuses', async () => {
    const config = Object.assign(new NotificationConfig(), { SMTP_URL: `smtp://${SMTP_STAND_IN_USER}:wrong@${smtp.host}:${smtp.port}` });
    const refused = new SmtpMailer(config);
    const logger = createLogger({ service: 'email-int-spec', level: 'debug', destination: { write: (line: string) => lines.push(line) } } as never);
    const req = request('password_reset', 'refused@example.test');
    expect(await new EmailService(refused, {} as RpcClient, config, logger).sendLink(service_ctx, req)).toEqual({ sent: false });
    refused.onApplicationShutdown();
    expect(lines.join('\n')).toContain('link email not sent');
    expect(lines.join('\n')).not.toContain(req.token);
  });

  it('escapes what it renders', () => {
    const email = renderLinkEmail({ kind: 'invitation', fullName: '"><script>x</script>', link: 'http://a.test/?token=a&b="c"', expiresAt: new Date().toISOString() });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('token=a&amp;b=&quot;c&quot;');
  });
});
