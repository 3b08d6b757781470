/**
 * The JSON a test or a developer scripts mailboxes with (README "Scripted mailboxes"). A message
 * is delivered to every scripted mailbox among its participants, as Gmail would: the sender's
 * copy is labelled SENT, each recipient's INBOX + UNREAD, each with its own Gmail id and thread
 * id, all with the same RFC Message-ID — which is what cross-mailbox dedup keys on.
 */
export interface MessageFixture {
  /** `"Dana Diaz <dana@customer.test>"` or a bare address. */
  from: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  /** null leaves the Subject header out (a malformed message a sync must survive). */
  subject?: string | null;
  text?: string;
  html?: string;
  /** The RFC 5322 Message-ID with its angle brackets; generated when absent; null leaves the header out. */
  messageId?: string | null;
  /** Messages with the same key share a Gmail thread in each mailbox; replies get In-Reply-To/References. */
  thread?: string;
  /** When it was received: an ISO date, or hours before the stand-in started (default 1). */
  date?: string;
  ageHours?: number;
  /** Replaces the labels the stand-in would pick (SENT for the sender, INBOX + UNREAD otherwise). */
  labelIds?: string[];
  /** More top-level headers, e.g. `{"name": "X-Mailer", "value": "…"}`. */
  headers?: { name: string; value: string }[];
  /** Deliver only to these mailboxes instead of every scripted participant. */
  mailboxes?: string[];
}

/** Many similar messages for volume tests (e.g. the 10,000-message mailbox of the sync benchmark). */
export interface GenerateSpec {
  count: number;
  /** Spread evenly over this many days before now (default 30). */
  days?: number;
  /** Correspondents the generated mail is exchanged with (default three customer.test addresses). */
  contacts?: string[];
  /** Messages per thread (default 1). */
  threadSize?: number;
  /** Prefix of subjects and Message-IDs, so two generations never collide (default "gen"). */
  prefix?: string;
}

export interface MailboxFixture {
  email: string;
  name?: string;
  /** The mailbox's history id before any message is loaded (default 1000). */
  historyId?: number;
  generate?: GenerateSpec;
}

export interface GmailFixture {
  mailboxes: MailboxFixture[];
  messages?: MessageFixture[];
}

/** A parsed `Name <address>` participant. */
export interface Address {
  name: string | null;
  email: string;
}

export function parseAddress(text: string): Address {
  const match = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(text);
  if (match) return { name: match[1] ? match[1].trim() : null, email: match[2].trim().toLowerCase() };
  return { name: null, email: text.trim().toLowerCase() };
}

export function formatAddress(address: Address): string {
  return address.name ? `${address.name} <${address.email}>` : address.email;
}
