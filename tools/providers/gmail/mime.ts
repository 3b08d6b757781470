/**
 * How a stored message looks through `users.messages.get`: the top-level headers, the MIME
 * part tree with base64url bodies (`full`), headers only (`metadata`), ids only (`minimal`) or
 * the whole RFC 5322 text base64url-encoded (`raw`), and Gmail's HTML-escaped snippet.
 */
import type { gmail_v1 } from '@googleapis/gmail';

export interface Header {
  name: string;
  value: string;
}

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  /** Epoch milliseconds, when Gmail accepted the message. */
  internalDate: number;
  historyId: number;
  /** Top-level headers in the order Gmail shows them, values decoded. */
  headers: Header[];
  text: string | null;
  html: string | null;
  /** The RFC Message-ID, or null when the message has none. */
  messageId: string | null;
}

export type MessageFormat = 'full' | 'metadata' | 'minimal' | 'raw';

const SNIPPET_LENGTH = 200;

/** Gmail's snippet: the start of the text, whitespace collapsed, HTML-escaped (`&#39;`, `&quot;`, `&amp;`). */
export function snippetOf(message: Pick<StoredMessage, 'text' | 'html'>): string {
  const source = message.text ?? (message.html ?? '').replace(/<[^>]*>/g, ' ');
  const plain = source.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
  return plain.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** RFC 2822 date as mail clients write it: `Tue, 3 Mar 2026 09:15:00 +0000`. */
export function rfc2822Date(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function boundaryOf(message: StoredMessage): string {
  return `000000000000${message.id}`;
}

function leafPart(partId: string, mimeType: string, content: string): gmail_v1.Schema$MessagePart {
  const bytes = Buffer.from(content, 'utf8');
  return {
    partId,
    mimeType,
    filename: '',
    headers: [
      { name: 'Content-Type', value: `${mimeType}; charset="UTF-8"` },
      { name: 'Content-Transfer-Encoding', value: 'base64' },
    ],
    body: { size: bytes.length, data: bytes.toString('base64url') },
  };
}

function contentType(message: StoredMessage): string {
  if (message.text !== null && message.html !== null) return `multipart/alternative; boundary="${boundaryOf(message)}"`;
  return message.html !== null ? 'text/html; charset="UTF-8"' : 'text/plain; charset="UTF-8"';
}

/** Headers as they appear on the top-level part, including the MIME ones Gmail lists there. */
function topHeaders(message: StoredMessage): Header[] {
  const headers = [...message.headers, { name: 'Content-Type', value: contentType(message) }];
  if (message.text === null || message.html === null) headers.push({ name: 'Content-Transfer-Encoding', value: 'base64' });
  return headers;
}

export function payloadOf(message: StoredMessage): gmail_v1.Schema$MessagePart {
  const headers = topHeaders(message);
  if (message.text !== null && message.html !== null) {
    return {
      partId: '',
      mimeType: 'multipart/alternative',
      filename: '',
      headers,
      body: { size: 0 },
      parts: [leafPart('0', 'text/plain', message.text), leafPart('1', 'text/html', message.html)],
    };
  }
  const leaf = message.html !== null ? leafPart('', 'text/html', message.html) : leafPart('', 'text/plain', message.text ?? '');
  return { ...leaf, headers };
}

/** RFC 2047 encoded-word for header values that are not plain ASCII. */
function encodeHeaderValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function base64Lines(content: string): string {
  return (Buffer.from(content, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** The message as RFC 5322 text (what `format=raw` encodes). */
export function rfc822Of(message: StoredMessage): string {
  const head = topHeaders(message)
    .map((h) => `${h.name}: ${encodeHeaderValue(h.value)}`)
    .join('\r\n');
  if (message.text !== null && message.html !== null) {
    const b = boundaryOf(message);
    const part = (type: string, content: string): string =>
      `--${b}\r\nContent-Type: ${type}; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(content)}\r\n`;
    return `${head}\r\n\r\n${part('text/plain', message.text)}${part('text/html', message.html)}--${b}--\r\n`;
  }
  return `${head}\r\n\r\n${base64Lines(message.html ?? message.text ?? '')}\r\n`;
}

/** `users.messages.get` in the given format; `metadataHeaders` narrows the headers of `metadata`. */
export function renderMessage(message: StoredMessage, format: MessageFormat, metadataHeaders: readonly string[] = []): gmail_v1.Schema$Message {
  const raw = rfc822Of(message);
  const base: gmail_v1.Schema$Message = {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    snippet: snippetOf(message),
    sizeEstimate: Buffer.byteLength(raw),
    historyId: String(message.historyId),
    internalDate: String(message.internalDate),
  };
  if (format === 'minimal') return base;
  if (format === 'raw') return { ...base, raw: Buffer.from(raw, 'utf8').toString('base64url') };
  if (format === 'full') return { ...base, payload: payloadOf(message) };
  const wanted = metadataHeaders.map((h) => h.toLowerCase());
  const headers = topHeaders(message).filter((h) => wanted.length === 0 || wanted.includes(h.name.toLowerCase()));
  return { ...base, payload: { partId: '', mimeType: contentType(message).split(';')[0], filename: '', headers, body: { size: 0 } } };
}
