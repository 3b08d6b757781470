import { e2eStack } from './e2e-stack';

/** A message the SMTP stand-in captured (tools/providers/smtp/README.md). */
export interface CapturedMail {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  envelope: { from: string; to: string[] };
}

const inboxUrl = (): string => String(e2eStack.provider('smtp').inboxUrl);

/** Every message captured for `to` so far (optionally with `subject` in it), oldest first. */
export async function mailsTo(to: string, subject?: string): Promise<CapturedMail[]> {
  const query = new URLSearchParams({ to, ...(subject ? { subject } : {}) });
  const res = await fetch(`${inboxUrl()}/messages?${query}`);
  if (!res.ok) throw new Error(`SMTP inbox answered ${res.status}`);
  return ((await res.json()) as { data: CapturedMail[] }).data;
}

/**
 * The `count`-th message for `to` (1-based, counting every message ever captured for that
 * address), waiting up to `timeoutMs` for it: tests use a fresh address per user, so counting is
 * how they wait for the next link rather than finding the previous one.
 */
export async function nthMailTo(to: string, count: number, subject?: string, timeoutMs = 10_000): Promise<CapturedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(to, subject);
    if (mails.length >= count) return mails[count - 1];
    if (Date.now() > deadline) throw new Error(`expected ${count} mail(s) to ${to}, got ${mails.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The one-time token of the link in a reset or invitation email (`…?token=…`), from its plain text. */
export function linkToken(mail: CapturedMail): string {
  const match = /[?&]token=([^\s&"<>]+)/.exec(mail.text);
  if (!match) throw new Error('no link with a token in this mail');
  return decodeURIComponent(match[1]);
}
