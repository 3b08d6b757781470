/**
 * The stand-in's mailboxes and how mail reaches them: a message is delivered to every scripted
 * mailbox among its participants (or the ones it names), each copy with its own Gmail id,
 * thread id, labels and history id and the same RFC Message-ID — as Gmail does for a thread
 * several colleagues are on.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_GMAIL_FIXTURE } from './default-fixture';
import { formatAddress, parseAddress, type GenerateSpec, type GmailFixture, type MessageFixture } from './fixture-types';
import { badRequest, notFound } from './http';
import { Mailbox } from './mailbox';
import { rfc2822Date, type Header, type StoredMessage } from './mime';

const HOUR_MS = 60 * 60 * 1000;

export interface Delivered {
  mailbox: Mailbox;
  message: StoredMessage;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw badRequest(`${field} must be a non-empty string`);
  return value;
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest(`${field} must be a list of strings`);
  return value as string[];
}

export class GmailStore {
  readonly mailboxes = new Map<string, Mailbox>();
  private sequence = 0;

  constructor(fixture: GmailFixture = DEFAULT_GMAIL_FIXTURE) {
    this.load(fixture, Date.now());
  }

  load(fixture: GmailFixture, now: number): void {
    this.mailboxes.clear();
    if (!Array.isArray(fixture.mailboxes) || fixture.mailboxes.length === 0) throw badRequest('A fixture needs at least one mailbox');
    for (const m of fixture.mailboxes) {
      const email = requireString(m.email, 'mailboxes[].email').toLowerCase();
      this.mailboxes.set(email, new Mailbox(email, m.name ?? null, m.historyId ?? 1000));
    }
    for (const message of fixture.messages ?? []) this.deliver(message, now, false);
    for (const m of fixture.mailboxes) if (m.generate) this.generate(m.email, m.generate, now, false);
  }

  mailbox(email: string): Mailbox {
    const mailbox = this.mailboxes.get(email.toLowerCase());
    if (!mailbox) throw notFound();
    return mailbox;
  }

  /** Gmail ids are 16 hex digits that grow with time; the sequence keeps them unique. */
  private newId(at: number): string {
    this.sequence += 1;
    return ((BigInt(at) << 20n) | BigInt(this.sequence & 0xfffff)).toString(16).padStart(16, '0');
  }

  /** Delivers one message; `live` mail records history (and may be pushed), fixture mail does not. */
  deliver(fixture: MessageFixture, now: number, live: boolean): Delivered[] {
    const from = parseAddress(requireString(fixture.from, 'from'));
    const to = stringList(fixture.to, 'to').map(parseAddress);
    const cc = stringList(fixture.cc, 'cc').map(parseAddress);
    const bcc = stringList(fixture.bcc, 'bcc').map(parseAddress);
    const at = fixture.date ? Date.parse(fixture.date) : now - (fixture.ageHours ?? (live ? 0 : 1)) * HOUR_MS;
    if (!Number.isFinite(at)) throw badRequest(`Invalid date ${fixture.date}`);
    const messageId = fixture.messageId === undefined ? `<${randomBytes(8).toString('hex')}.standin@${from.email.split('@')[1] ?? 'mail.test'}>` : fixture.messageId;
    const targets = fixture.mailboxes
      ? fixture.mailboxes.map((e) => this.mailbox(e))
      : [...new Set([from, ...to, ...cc, ...bcc].map((a) => a.email))].flatMap((e) => this.mailboxes.get(e) ?? []);
    if (targets.length === 0) throw badRequest(`No scripted mailbox among the participants of "${fixture.subject ?? ''}"; name one in "mailboxes"`);
    return targets.map((mailbox) => {
      const id = this.newId(at);
      const thread = fixture.thread ? mailbox.threads.get(fixture.thread) : undefined;
      const threadId = thread?.threadId ?? id;
      const references = thread?.messageIds ?? [];
      const headers: Header[] = [];
      if (mailbox.email !== from.email) headers.push({ name: 'Delivered-To', value: mailbox.email });
      headers.push({ name: 'MIME-Version', value: '1.0' }, { name: 'Date', value: rfc2822Date(at) });
      if (references.length) {
        headers.push({ name: 'References', value: references.join(' ') }, { name: 'In-Reply-To', value: references[references.length - 1] });
      }
      if (messageId !== null) headers.push({ name: 'Message-ID', value: messageId });
      if (fixture.subject !== null) headers.push({ name: 'Subject', value: fixture.subject ?? '' });
      headers.push({ name: 'From', value: formatAddress(from) });
      if (to.length) headers.push({ name: 'To', value: to.map(formatAddress).join(', ') });
      if (cc.length) headers.push({ name: 'Cc', value: cc.map(formatAddress).join(', ') });
      // Only the sender's copy shows Bcc, as in Gmail.
      if (bcc.length && mailbox.email === from.email) headers.push({ name: 'Bcc', value: bcc.map(formatAddress).join(', ') });
      headers.push(...(fixture.headers ?? []));
      const labelIds = fixture.labelIds ?? (mailbox.email === from.email ? ['SENT'] : ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL']);
      const message: StoredMessage = {
        id,
        threadId,
        labelIds,
        internalDate: at,
        historyId: mailbox.nextHistoryId(),
        headers,
        text: fixture.text ?? (fixture.html === undefined ? '' : null),
        html: fixture.html ?? null,
        messageId,
      };
      if (fixture.thread) mailbox.threads.set(fixture.thread, { threadId, messageIds: messageId ? [...references, messageId] : references });
      mailbox.add(message, live);
      return { mailbox, message };
    });
  }

  /** Fills a mailbox with `count` messages exchanged with a few correspondents, spread over `days`. */
  generate(email: string, spec: GenerateSpec, now: number, live: boolean): Delivered[] {
    const mailbox = this.mailbox(email);
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > 100_000) throw badRequest('generate.count must be an integer from 1 to 100000');
    const contacts = spec.contacts ?? ['dana@customer.test', 'frank@prospect.test', 'gina@kunde.test'];
    const span = (spec.days ?? 30) * 24 * HOUR_MS;
    const threadSize = Math.max(1, spec.threadSize ?? 1);
    const prefix = spec.prefix ?? 'gen';
    const delivered: Delivered[] = [];
    for (let i = 0; i < spec.count; i++) {
      const contact = contacts[i % contacts.length];
      const outgoing = i % 3 === 2;
      const thread = `${prefix}-${Math.floor(i / threadSize)}`;
      // Oldest first, ending a minute before now, so `newer_than:Nd` with N ≥ days finds them all.
      const at = now - 60_000 - Math.floor(((spec.count - 1 - i) * span) / spec.count);
      delivered.push(
        ...this.deliver(
          {
            from: outgoing ? mailbox.email : contact,
            to: [outgoing ? contact : mailbox.email],
            subject: `${i % threadSize === 0 ? '' : 'Re: '}${prefix} message ${Math.floor(i / threadSize)}`,
            text: `Generated message ${i} of ${spec.count} between ${mailbox.email} and ${contact}.`,
            messageId: `<${prefix}-${i}.${mailbox.email.replace('@', '.')}@standin.test>`,
            thread,
            date: new Date(at).toISOString(),
            mailboxes: [mailbox.email],
          },
          now,
          live,
        ),
      );
    }
    return delivered;
  }
}
