import type { gmail_v1 } from '@googleapis/gmail';
import { v5 as uuidV5 } from 'uuid';
import { normaliseEmailForMatching } from '@engage/contracts';
import type { TimelineEntry } from '../timeline/timeline-entries';

/**
 * One Gmail message as the sync uses it, read from `users.messages.get` in `metadata` format (the
 * headers, never the body: a huge or malformed MIME body is never downloaded or parsed).
 */
export interface MailboxMessage {
  gmailId: string;
  threadId: string;
  /** The RFC 5322 Message-ID without its angle brackets; null when the message has none. */
  messageId: string | null;
  subject: string | null;
  snippet: string;
  from: string | null;
  to: string[];
  cc: string[];
  labelIds: string[];
  /** When Gmail received it (epoch ms as an ISO string). */
  occurredAt: string;
  /** The text of the message, when it was fetched in `full` format (the tenant stores bodies). */
  text?: MessageText | null;
}

/** A message's readable text and whether it was cut. */
export interface MessageText {
  text: string;
  truncated: boolean;
}

/** The most text of one message that is stored. */
export const BODY_MAX = 100_000;

/** The headers the sync asks for (`metadataHeaders`). */
export const SYNC_HEADERS = ['From', 'To', 'Cc', 'Subject', 'Message-ID', 'Date'];

const SUBJECT_MAX = 200;
const SNIPPET_MAX = 500;
const ADDRESS_MAX = 320;
const PARTICIPANTS_MAX = 100;

/** Text safe to store and show: no NUL or other control characters (PostgreSQL refuses NUL in text), no stray whitespace runs. */
export function cleanText(value: string, max: number): string {
  const text = value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Gmail's snippet is HTML-escaped (`&#39;`, `&amp;`); the timeline shows plain text. */
export function unescapeSnippet(snippet: string): string {
  return snippet.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/**
 * The addresses of an address-list header (`From`, `To`, `Cc`), normalised for matching:
 * `"Diaz, Dana" <Dana@Customer.test>, bob@x.test` → `dana@customer.test`, `bob@x.test`. Commas
 * inside quotes or angle brackets do not split; groups (`team: a@x, b@y;`) give their members;
 * anything without a plausible address is dropped.
 */
export function parseAddressList(value: string | null | undefined): string[] {
  if (!value) return [];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle++;
    else if (!quoted && c === '>') angle = Math.max(0, angle - 1);
    if (!quoted && angle === 0 && (c === ',' || c === ';')) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  const addresses: string[] = [];
  for (const raw of parts) {
    const part = raw.includes(':') && !raw.includes('<') && !raw.trim().startsWith('"') ? raw.slice(raw.indexOf(':') + 1) : raw;
    const bracketed = /<([^<>]*)>/.exec(part);
    const candidate = (bracketed ? bracketed[1] : part.replace(/\([^)]*\)/g, '')).trim().replace(/^mailto:/i, '');
    if (!/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(candidate) || candidate.length > ADDRESS_MAX) continue;
    const address = normaliseEmailForMatching(candidate);
    if (!addresses.includes(address)) addresses.push(address);
  }
  return addresses;
}

const headerOf = (headers: gmail_v1.Schema$MessagePartHeader[], name: string): string | null => {
  const wanted = name.toLowerCase();
  const found = headers.find((h) => (h.name ?? '').toLowerCase() === wanted);
  return found?.value ?? null;
};

/** The Message-ID without brackets or whitespace; null when missing or empty. */
export function normaliseMessageId(value: string | null): string | null {
  if (!value) return null;
  const inner = value.includes('<') ? (/<([^<>]*)>/.exec(value)?.[1] ?? '') : value;
  const id = inner.replace(/[\s<>]+/g, '');
  return id.length > 0 && id.length <= 998 ? id : null;
}

/** A message from `users.messages.get` (metadata format), or null when Gmail answered without the essentials. */
export function mailboxMessageOf(message: gmail_v1.Schema$Message): MailboxMessage | null {
  if (!message.id || !message.threadId) return null;
  const headers = message.payload?.headers ?? [];
  const internal = Number(message.internalDate);
  const subject = headerOf(headers, 'Subject');
  return {
    gmailId: message.id,
    threadId: message.threadId,
    messageId: normaliseMessageId(headerOf(headers, 'Message-ID')),
    subject: subject === null ? null : cleanText(subject, SUBJECT_MAX) || null,
    snippet: cleanText(unescapeSnippet(message.snippet ?? ''), SNIPPET_MAX),
    from: parseAddressList(headerOf(headers, 'From'))[0] ?? null,
    to: parseAddressList(headerOf(headers, 'To')).slice(0, PARTICIPANTS_MAX),
    cc: parseAddressList(headerOf(headers, 'Cc')).slice(0, PARTICIPANTS_MAX),
    labelIds: message.labelIds ?? [],
    occurredAt: new Date(Number.isFinite(internal) && internal > 0 ? internal : Date.now()).toISOString(),
  };
}

const charsetOf = (part: gmail_v1.Schema$MessagePart): string => {
  const type = headerOf(part.headers ?? [], 'Content-Type') ?? '';
  return /charset\s*=\s*"?([\w.:-]+)"?/i.exec(type)?.[1] ?? 'utf-8';
};

/** The bytes of a part's body in its declared charset; an unknown charset is read as UTF-8, bad bytes as U+FFFD. */
function decodePart(part: gmail_v1.Schema$MessagePart): string {
  const bytes = Buffer.from(part.body?.data ?? '', 'base64url');
  try {
    return new TextDecoder(charsetOf(part)).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Every leaf part, depth first (a malformed message nesting too deep stops at 20 levels). */
function leaves(part: gmail_v1.Schema$MessagePart, depth = 0): gmail_v1.Schema$MessagePart[] {
  if (depth > 20) return [];
  if (part.parts && part.parts.length > 0) return part.parts.flatMap((p) => leaves(p, depth + 1));
  return [part];
}

/** HTML as text: no scripts or styles, block ends as line breaks, no tags, entities decoded. */
export function htmlToText(html: string): string {
  return unescapeSnippet(
    html
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<(br|\/p|\/div|\/li|\/tr|\/h\d)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  );
}

/**
 * The readable text of a message fetched in `full` format: its first text/plain part that is not an
 * attachment, else its first text/html part as text; in the part's charset; control characters
 * removed (line breaks kept); at most {@link BODY_MAX} characters. Null when it has no text part
 * (or Gmail left the text out as an attachment).
 */
export function messageTextOf(message: gmail_v1.Schema$Message): MessageText | null {
  if (!message.payload) return null;
  const parts = leaves(message.payload).filter((p) => !p.filename && p.body?.data);
  const plain = parts.find((p) => (p.mimeType ?? '').toLowerCase() === 'text/plain');
  const html = plain ? undefined : parts.find((p) => (p.mimeType ?? '').toLowerCase() === 'text/html');
  if (!plain && !html) return null;
  const raw = plain ? decodePart(plain) : htmlToText(decodePart(html!));
  const text = raw
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length <= BODY_MAX ? { text, truncated: false } : { text: text.slice(0, BODY_MAX), truncated: true };
}

/** Everyone on the message but the mailbox's owner: the addresses matched to contacts. */
export function participantsOf(message: MailboxMessage, mailbox: string): string[] {
  const all = [message.from, ...message.to, ...message.cc].filter((a): a is string => a !== null);
  return [...new Set(all)].filter((a) => a !== mailbox);
}

/** Drafts are not mail that was exchanged; spam and trash are not listed by the sync at all. */
export const isExchanged = (message: MailboxMessage): boolean => !message.labelIds.includes('DRAFT');

/**
 * What makes two copies of a message the same message, across every mailbox of the tenant: its
 * RFC Message-ID (the sender's copy and each recipient's share it, with different Gmail ids). A
 * message without one can only be recognised in its own mailbox, by its Gmail id.
 */
export function messageKey(message: MailboxMessage, mailbox: string): string {
  return message.messageId ? `rfc:${message.messageId}` : `gmail:${mailbox}:${message.gmailId}`;
}

/** Names the activities of mail (UUIDv5 namespace): fixed forever, since ids derived from it are stored. */
const EMAIL_ACTIVITY_NAMESPACE = '0c6f6b1e-8a57-5c8e-9d43-5b8f1d0e7a21';

/**
 * The timeline's idempotency key of one message on one contact's timeline: the same for every
 * mailbox and every sync that meets the message, so it is written once however often it is seen
 * (UNIQUE (tenant_id, source_event_id) on the activities).
 */
export const emailActivityKey = (key: string, contactId: string): string => uuidV5(`${key}\n${contactId}`, EMAIL_ACTIVITY_NAMESPACE);

/** The `email` activity of `message` on `contactId`'s timeline, as the mailbox of `actorId` saw it. */
export function emailEntry(message: MailboxMessage, mailbox: string, contactId: string, actorId: string): TimelineEntry & { occurred_at: string } {
  const outbound = message.from === mailbox || message.labelIds.includes('SENT');
  return {
    type: 'email',
    contact_id: contactId,
    deal_id: null,
    company_id: null,
    actor_id: actorId,
    subject: message.subject ?? '(no subject)',
    body: message.snippet || null,
    payload: {
      direction: outbound ? 'outbound' : 'inbound',
      message_id: message.messageId,
      thread_id: message.threadId,
      gmail_message_id: message.gmailId,
      mailbox,
      from: message.from,
      to: message.to,
      cc: message.cc,
    },
    occurred_at: message.occurredAt,
  };
}
