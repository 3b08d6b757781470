import type { LinkEmailKind, NotificationView } from '@engage/contracts';

/** One email as it is sent: a subject, a plain-text body and an HTML body. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The HTML frame every email shares; `inner` is already escaped. */
const frame = (title: string, inner: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5;max-width:560px;margin:24px auto">` +
  `${inner}<p style="color:#7b8794;font-size:12px;margin-top:32px">Engage</p></body></html>`;

const greeting = (fullName: string | null): string => (fullName?.trim() ? `Hello ${fullName.trim()},` : 'Hello,');

const humanTime = (iso: string): string => new Date(iso).toUTCString();

export interface LinkEmailInput {
  kind: LinkEmailKind;
  fullName: string | null;
  /** The whole link, token included. */
  link: string;
  expiresAt: string;
}

/** A password reset or an invitation: one link holding the one-time token. */
export function renderLinkEmail(input: LinkEmailInput): RenderedEmail {
  const reset = input.kind === 'password_reset';
  const subject = reset ? 'Reset your Engage password' : 'You are invited to Engage';
  const lead = reset
    ? 'Someone asked to reset the password of your Engage account. If it was you, choose a new password with this link:'
    : 'You have been invited to join your team on Engage. Choose a password to activate your account with this link:';
  const after = reset ? 'If you did not ask for this, ignore this email: your password stays as it is.' : 'If you did not expect this invitation, ignore this email.';
  const until = `The link works once, until ${humanTime(input.expiresAt)}.`;
  const action = reset ? 'Reset password' : 'Accept invitation';
  return {
    subject,
    text: `${greeting(input.fullName)}\n\n${lead}\n\n${input.link}\n\n${until}\n${after}\n\nEngage\n`,
    html: frame(
      subject,
      `<p>${escapeHtml(greeting(input.fullName))}</p><p>${escapeHtml(lead)}</p>` +
        `<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(action)}</a></p>` +
        `<p style="font-size:13px">Or paste this address into your browser:<br>${escapeHtml(input.link)}</p>` +
        `<p>${escapeHtml(until)}<br>${escapeHtml(after)}</p>`,
    ),
  };
}

/** A notification the user chose to also get by email (preferences). */
export function renderNotificationEmail(notification: NotificationView, fullName: string | null, appUrl: string): RenderedEmail {
  const subject = notification.title;
  const link = `${appUrl}/notifications`;
  const body = notification.body.trim();
  return {
    subject,
    text: `${greeting(fullName)}\n\n${notification.title}\n${body ? `\n${body}\n` : ''}\nSee it in Engage: ${link}\n\nYou get this email because of your notification preferences.\n`,
    html: frame(
      subject,
      `<p>${escapeHtml(greeting(fullName))}</p><p><strong>${escapeHtml(notification.title)}</strong></p>` +
        (body ? `<p style="white-space:pre-wrap">${escapeHtml(body)}</p>` : '') +
        `<p><a href="${escapeHtml(link)}">See it in Engage</a></p>` +
        `<p style="color:#7b8794;font-size:12px">You get this email because of your notification preferences.</p>`,
    ),
  };
}
