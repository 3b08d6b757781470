/**
 * The Gmail API paths `@googleapis/gmail` calls (`gmail({version: 'v1', rootUrl})`), each behind
 * a bearer access token with a mail scope: `users.getProfile`, `users.messages.list/get`,
 * `users.history.list`, `users.watch`, `users.stop`, `users.threads.get`.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import type { GmailContext, RouteRequest } from './context';
import { badRequest, bearerToken, GoogleApiError, notFound, parseJsonObject, readBody, sendJson } from './http';
import type { Mailbox } from './mailbox';
import { renderMessage, type MessageFormat } from './mime';

const FORMATS: readonly MessageFormat[] = ['full', 'metadata', 'minimal', 'raw'];

function formatOf(query: URLSearchParams): MessageFormat {
  const format = (query.get('format') ?? 'full').toLowerCase() as MessageFormat;
  if (!FORMATS.includes(format)) throw badRequest(`Invalid value at 'format' (${query.get('format')})`);
  return format;
}

/** `me` or the token's own address; another user's address is refused as Google refuses delegation. */
function mailboxFor(ctx: GmailContext, request: RouteRequest, userId: string): Mailbox {
  const auth = ctx.oauth.authenticate(bearerToken(request.req, request.query), ctx.now());
  ctx.oauth.requireMailScope(auth);
  const email = decodeURIComponent(userId).toLowerCase();
  if (email !== 'me' && email !== auth.email) throw new GoogleApiError(403, 'forbidden', `Delegation denied for ${auth.email}`);
  return ctx.store.mailbox(auth.email);
}

/** Answers a `/gmail/v1/users/…` request; false when the path is not one of Gmail's. */
export async function handleGmailApi(ctx: GmailContext, request: RouteRequest): Promise<boolean> {
  const match = /^\/gmail\/v1\/users\/([^/]+)\/(profile|messages|history|watch|stop|messages\/[^/]+|threads\/[^/]+)$/.exec(request.path);
  if (!match) return false;
  const [, userId, resource] = match;
  const { method, query, res } = request;
  const mailbox = mailboxFor(ctx, request, userId);
  const now = ctx.now();
  if (method === 'GET' && resource === 'profile') {
    const profile: gmail_v1.Schema$Profile = {
      emailAddress: mailbox.email,
      messagesTotal: mailbox.size,
      threadsTotal: mailbox.threadCount(),
      historyId: String(mailbox.historyId),
    };
    sendJson(res, 200, profile);
  } else if (method === 'GET' && resource === 'messages') {
    sendJson(res, 200, mailbox.list(query, now));
  } else if (method === 'GET' && resource.startsWith('messages/')) {
    const message = mailbox.get(decodeURIComponent(resource.slice('messages/'.length)));
    sendJson(res, 200, renderMessage(message, formatOf(query), query.getAll('metadataHeaders')));
  } else if (method === 'GET' && resource.startsWith('threads/')) {
    const threadId = decodeURIComponent(resource.slice('threads/'.length));
    const messages = mailbox.thread(threadId);
    if (messages.length === 0) throw notFound();
    const format = formatOf(query);
    const thread: gmail_v1.Schema$Thread = {
      id: threadId,
      historyId: String(Math.max(...messages.map((m) => m.historyId))),
      messages: messages.map((m) => renderMessage(m, format, query.getAll('metadataHeaders'))),
    };
    sendJson(res, 200, thread);
  } else if (method === 'GET' && resource === 'history') {
    sendJson(res, 200, mailbox.historyList(query));
  } else if (method === 'POST' && resource === 'watch') {
    const body = parseJsonObject(await readBody(request.req)) as gmail_v1.Schema$WatchRequest;
    sendJson(res, 200, mailbox.startWatch(body, now));
  } else if (method === 'POST' && resource === 'stop') {
    await readBody(request.req);
    mailbox.watch = null;
    res.writeHead(204).end();
  } else {
    throw new GoogleApiError(405, 'methodNotAllowed', `Method ${method} is not allowed on ${request.path}`);
  }
  return true;
}
