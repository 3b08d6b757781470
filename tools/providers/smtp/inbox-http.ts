/**
 * The inbox HTTP API of the SMTP stand-in (what `.engage/providers.json` calls `inboxUrl`):
 *   GET    /messages?to=&subject=&from=        captured messages, oldest first
 *   GET    /messages/wait?to=&subject=&timeout_ms=  the newest match, or the first to arrive (404 on timeout)
 *   GET    /messages/:id                       one message;  GET /messages/:id/raw  its RFC 822 source
 *   DELETE /messages                           empties the inbox
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Mailbox, MessageFilter } from './mailbox';

const DEFAULT_WAIT_MS = 5000;
const MAX_WAIT_MS = 60_000;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function filterOf(params: URLSearchParams): MessageFilter {
  return {
    to: params.get('to') ?? undefined,
    subject: params.get('subject') ?? undefined,
    from: params.get('from') ?? undefined,
  };
}

export function createInboxServer(mailbox: Mailbox): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://inbox');
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'messages') return json(res, 404, { error: 'not_found', message: `No route ${method} ${url.pathname}` });

    if (parts.length === 1 && method === 'GET') return json(res, 200, { data: mailbox.list(filterOf(url.searchParams)) });
    if (parts.length === 1 && method === 'DELETE') return json(res, 200, { deleted: mailbox.clear() });
    if (parts.length === 2 && parts[1] === 'wait' && method === 'GET') {
      const raw = url.searchParams.get('timeout_ms');
      const timeout = raw === null ? DEFAULT_WAIT_MS : Number(raw);
      if (!Number.isInteger(timeout) || timeout < 0 || timeout > MAX_WAIT_MS) {
        return json(res, 400, { error: 'invalid_timeout', message: `timeout_ms must be an integer from 0 to ${MAX_WAIT_MS}` });
      }
      mailbox.waitFor(filterOf(url.searchParams), timeout).then((message) => {
        if (message) json(res, 200, message);
        else json(res, 404, { error: 'timeout', message: `No matching message within ${timeout} ms` });
      });
      return;
    }
    if (parts.length >= 2 && method === 'GET') {
      const message = mailbox.get(parts[1]);
      if (!message) return json(res, 404, { error: 'not_found', message: `No message ${parts[1]}` });
      if (parts.length === 2) return json(res, 200, message);
      if (parts.length === 3 && parts[2] === 'raw') {
        const raw = mailbox.rawOf(message.id)!;
        res.writeHead(200, { 'content-type': 'message/rfc822', 'content-length': raw.length });
        return res.end(raw);
      }
    }
    return json(res, 404, { error: 'not_found', message: `No route ${method} ${url.pathname}` });
  });
}
