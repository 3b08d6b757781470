/**
 * One Gmail mailbox: its messages (newest first, as `messages.list` returns them), its history
 * (a record per change, ids increasing with gaps as Gmail's do), the point before which history
 * is no longer kept (older `startHistoryId` → 404) and its push watch.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import { WATCH_TTL_MS } from './constants';
import { badRequest, decodePageToken, encodePageToken, notFound } from './http';
import type { StoredMessage } from './mime';
import { parseQuery } from './query';

export interface HistoryRecord {
  id: number;
  added: StoredMessage[];
}

export interface Watch {
  topicName: string;
  labelIds: string[];
  labelFilterBehavior: 'include' | 'exclude';
  expiration: number;
}

interface MessageCursor {
  t: number;
  id: string;
}

interface HistoryCursor {
  h: number;
}

const isMessageCursor = (v: unknown): v is MessageCursor => typeof (v as MessageCursor)?.t === 'number' && typeof (v as MessageCursor)?.id === 'string';
const isHistoryCursor = (v: unknown): v is HistoryCursor => typeof (v as HistoryCursor)?.h === 'number';

/** Newest first; the id breaks ties so a page boundary never skips or repeats a message. */
function newerFirst(a: StoredMessage, b: StoredMessage): number {
  return b.internalDate - a.internalDate || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function pageSize(raw: string | null, fallback: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value for maxResults: ${raw}`);
  return Math.min(n, max);
}

export class Mailbox {
  /** Newest first. */
  private readonly messages: StoredMessage[] = [];
  private readonly byId = new Map<string, StoredMessage>();
  private history: HistoryRecord[] = [];
  /** Thread key (fixture) → this mailbox's thread id and the Message-IDs so far, for References. */
  readonly threads = new Map<string, { threadId: string; messageIds: string[] }>();
  historyId: number;
  /** History after this id is kept; `startHistoryId` below it answers 404. */
  retainedFrom: number;
  watch: Watch | null = null;

  constructor(
    readonly email: string,
    readonly name: string | null,
    historyId: number,
  ) {
    this.historyId = historyId;
    this.retainedFrom = historyId;
  }

  /** Gmail's history ids grow with gaps; clients must only compare them. */
  nextHistoryId(): number {
    this.historyId += 1 + (this.byId.size % 5);
    return this.historyId;
  }

  /** Stores a message; `record` adds a history record (live mail), fixtures loaded at start are not. */
  add(message: StoredMessage, record: boolean): void {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newerFirst(this.messages[mid], message) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.messages.splice(lo, 0, message);
    this.byId.set(message.id, message);
    if (record) this.history.push({ id: message.historyId, added: [message] });
    else this.retainedFrom = this.historyId;
  }

  get(id: string): StoredMessage {
    const message = this.byId.get(id);
    if (!message) throw notFound();
    return message;
  }

  /** Every message, newest first (the control API's inventory, for message-by-message checks). */
  all(): readonly StoredMessage[] {
    return this.messages;
  }

  /** A thread's messages, oldest first. */
  thread(threadId: string): StoredMessage[] {
    return this.messages.filter((m) => m.threadId === threadId).reverse();
  }

  get size(): number {
    return this.messages.length;
  }

  threadCount(): number {
    return new Set(this.messages.map((m) => m.threadId)).size;
  }

  /** Forgets all history so far: a client holding an older history id must fully resync. */
  expireHistory(): void {
    this.history = [];
    this.retainedFrom = this.historyId;
  }

  list(params: URLSearchParams, now: number): gmail_v1.Schema$ListMessagesResponse {
    const max = pageSize(params.get('maxResults'), 100, 500);
    const query = parseQuery(params.get('q'), now);
    const labelIds = params.getAll('labelIds').flatMap((l) => l.split(','));
    const withSpamTrash = params.get('includeSpamTrash') === 'true' || query.mentionsSpamOrTrash;
    const cursor = decodePageToken(params.get('pageToken'), isMessageCursor);
    const matching = this.messages.filter(
      (m) =>
        (withSpamTrash || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH')) &&
        labelIds.every((l) => m.labelIds.includes(l)) &&
        query.matches(m),
    );
    const start = cursor ? matching.findIndex((m) => newerFirst(m, { internalDate: cursor.t, id: cursor.id } as StoredMessage) > 0) : 0;
    const page = start < 0 ? [] : matching.slice(start, start + max);
    const last = page[page.length - 1];
    const more = start >= 0 && start + max < matching.length;
    return {
      messages: page.length ? page.map((m) => ({ id: m.id, threadId: m.threadId })) : undefined,
      nextPageToken: more ? encodePageToken({ t: last.internalDate, id: last.id }) : undefined,
      resultSizeEstimate: matching.length,
    };
  }

  historyList(params: URLSearchParams): gmail_v1.Schema$ListHistoryResponse {
    const rawStart = params.get('startHistoryId');
    if (!rawStart) throw badRequest('Missing required parameter: startHistoryId');
    if (!/^\d+$/.test(rawStart)) throw badRequest(`Invalid value for startHistoryId: ${rawStart}`);
    const start = Number(rawStart);
    if (start < this.retainedFrom) throw notFound();
    const max = pageSize(params.get('maxResults'), 100, 500);
    const types = params.getAll('historyTypes').flatMap((t) => t.split(','));
    const labelId = params.get('labelId');
    const cursor = decodePageToken(params.get('pageToken'), isHistoryCursor);
    const after = Math.max(start, cursor?.h ?? start);
    // Only message additions are modelled; asking only for other types gives no records.
    const wantAdded = types.length === 0 || types.includes('messageAdded');
    const records = this.history.filter((r) => r.id > after && wantAdded && (!labelId || r.added.some((m) => m.labelIds.includes(labelId))));
    const page = records.slice(0, max);
    const more = records.length > max;
    return {
      history: page.length
        ? page.map((r) => ({
            id: String(r.id),
            messages: r.added.map((m) => ({ id: m.id, threadId: m.threadId })),
            messagesAdded: r.added.map((m) => ({ message: { id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] } })),
          }))
        : undefined,
      nextPageToken: more ? encodePageToken({ h: page[page.length - 1].id }) : undefined,
      historyId: String(this.historyId),
    };
  }

  startWatch(request: gmail_v1.Schema$WatchRequest, now: number): gmail_v1.Schema$WatchResponse {
    const topicName = request.topicName ?? '';
    if (!/^projects\/[^/]+\/topics\/[^/]+$/.test(topicName)) {
      throw badRequest(`Invalid topicName does not match projects/SOME-ANY-PROJECT/topics/SOME-ANY-TOPIC: ${topicName}`);
    }
    const behavior = String(request.labelFilterBehavior ?? request.labelFilterAction ?? 'include').toLowerCase();
    this.watch = {
      topicName,
      labelIds: request.labelIds ?? [],
      labelFilterBehavior: behavior === 'exclude' ? 'exclude' : 'include',
      expiration: now + WATCH_TTL_MS,
    };
    return { historyId: String(this.historyId), expiration: String(this.watch.expiration) };
  }

  /** Whether a change to these messages is pushed: an unexpired watch whose label filter lets one through. */
  watches(messages: readonly StoredMessage[], now: number): boolean {
    const watch = this.watch;
    if (!watch || watch.expiration <= now) return false;
    if (watch.labelIds.length === 0) return true;
    const hit = (m: StoredMessage): boolean => m.labelIds.some((l) => watch.labelIds.includes(l));
    return watch.labelFilterBehavior === 'include' ? messages.some(hit) : messages.some((m) => !hit(m));
  }

  summary(now: number): Record<string, unknown> {
    return {
      email: this.email,
      historyId: String(this.historyId),
      retainedFromHistoryId: String(this.retainedFrom),
      messages: this.messages.length,
      historyRecords: this.history.length,
      watch: this.watch && { ...this.watch, expiration: String(this.watch.expiration), active: this.watch.expiration > now },
    };
  }
}
