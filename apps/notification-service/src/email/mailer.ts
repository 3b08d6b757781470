import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import type { NotificationConfig } from '../config';
import type { RenderedEmail } from './templates';

/** Sends one email. Implementations never log its content (it may hold a one-time link). */
export abstract class Mailer {
  /** False when no mail server is configured (nothing was sent). Throws when the server refused. */
  abstract send(to: string, email: RenderedEmail): Promise<boolean>;
}

/** Mail over SMTP with nodemailer, to SMTP_URL (a provider in production, the stand-in in development and tests). */
@Injectable()
export class SmtpMailer extends Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter | null;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: NotificationConfig) {
    super();
    // Loopback servers offer no TLS (the stand-in); anything else is expected to.
    this.transport = config.SMTP_URL ? createTransport(config.SMTP_URL, { from: config.MAIL_FROM, logger: false, debug: false }) : null;
  }

  async send(to: string, email: RenderedEmail): Promise<boolean> {
    if (!this.transport) return false;
    await this.transport.sendMail({ from: this.config.MAIL_FROM, to, subject: email.subject, text: email.text, html: email.html });
    return true;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
