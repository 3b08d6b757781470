/**
 * The captured mail of the SMTP stand-in: every message a service sends, parsed, kept in memory
 * (newest 1,000) and searchable by recipient and subject, with a wait that resolves when a
 * matching message arrives, so a test can "check the inbox" the way a user would.
 */
import { randomUUID } from 'node:crypto';

export interface CapturedMessage {
  id: string;
  received_at: string;
  /** SMTP envelope: who the server was told the mail is from and for (Bcc included). */
  envelope: { from: string | null; to: string[] };
  /** The SMTP user that sent it, or null when sent without AUTH (development only). */
  auth_user: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  reply_to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  message_id: string | null;
  date: string | null;
  headers: Record<string, string>;
  attachments: { filename: string | null; content_type: string; size: number }[];
  size: number;
}

export interface MessageFilter {
  to?: string;
  subject?: string;
  from?: string;
}

const MAX_MESSAGES = 1000;

interface Waiter {
  filter: MessageFilter;
  resolve: (message: CapturedMessage | null) => void;
  timer: NodeJS.Timeout;
}

/** Case-insensitive: `to` matches any envelope or header recipient, `subject` is a substring. */
export function matches(message: CapturedMessage, filter: MessageFilter): boolean {
  const to = filter.to?.toLowerCase();
  if (to && ![...message.envelope.to, ...message.to, ...message.cc].some((address) => address.toLowerCase() === to)) return false;
  if (filter.from && message.from?.toLowerCase() !== filter.from.toLowerCase()) return false;
  if (filter.subject && !message.subject.toLowerCase().includes(filter.subject.toLowerCase())) return false;
  return true;
}

export class Mailbox {
  private readonly messages: CapturedMessage[] = [];
  private readonly raw = new Map<string, Buffer>();
  private waiters: Waiter[] = [];

  add(message: Omit<CapturedMessage, 'id' | 'received_at'>, raw: Buffer): CapturedMessage {
    const stored: CapturedMessage = { id: randomUUID(), received_at: new Date().toISOString(), ...message };
    this.messages.push(stored);
    this.raw.set(stored.id, raw);
    while (this.messages.length > MAX_MESSAGES) this.raw.delete(this.messages.shift()!.id);
    this.waiters = this.waiters.filter((waiter) => {
      if (!matches(stored, waiter.filter)) return true;
      clearTimeout(waiter.timer);
      waiter.resolve(stored);
      return false;
    });
    return stored;
  }

  /** Oldest first. */
  list(filter: MessageFilter = {}): CapturedMessage[] {
    return this.messages.filter((message) => matches(message, filter));
  }

  get(id: string): CapturedMessage | undefined {
    return this.messages.find((message) => message.id === id);
  }

  rawOf(id: string): Buffer | undefined {
    return this.raw.get(id);
  }

  /** The newest message already matching, or the first to arrive within the timeout (else null). */
  waitFor(filter: MessageFilter, timeoutMs: number): Promise<CapturedMessage | null> {
    const existing = this.list(filter).at(-1);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        filter,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(null);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  clear(): number {
    const count = this.messages.length;
    this.messages.length = 0;
    this.raw.clear();
    return count;
  }

  /** Releases pending waits (each answers "nothing arrived") when the stand-in stops. */
  close(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
    this.waiters = [];
  }
}
