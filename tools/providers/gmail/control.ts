/**
 * The control API under /_standin (JSON): what a test scripts on Google's side — mail arriving
 * live (history recorded, push sent when watched), history expiring, tokens revoked or expired,
 * the next consent, raw pushes (wrong token, malformed body) — and what it inspects afterwards.
 * Calls that push answer after the first delivery attempt, so `pushes` is already filled in.
 */
import type { GmailContext, RouteRequest } from './context';
import { pushChanges } from './context';
import type { GenerateSpec, GmailFixture, MessageFixture } from './fixture-types';
import { badRequest, notFound, parseJsonObject, readBody, sendJson } from './http';
import type { Delivered } from './store';
import { GmailStore } from './store';

type Body = Record<string, unknown>;

function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`);
  return value;
}

function describeDelivered(delivered: Delivered[]): Record<string, unknown>[] {
  return delivered.map(({ mailbox, message }) => ({
    mailbox: mailbox.email,
    id: message.id,
    threadId: message.threadId,
    messageId: message.messageId,
    historyId: String(message.historyId),
    labelIds: message.labelIds,
  }));
}

async function deliverLive(ctx: GmailContext, fixtures: MessageFixture[], mailbox: string | null): Promise<Body> {
  const now = ctx.now();
  const delivered = fixtures.flatMap((f) => ctx.store.deliver(mailbox ? { ...f, mailboxes: [mailbox] } : f, now, true));
  const pushes = await pushChanges(ctx, delivered);
  return { delivered: describeDelivered(delivered), pushes };
}

function messagesOf(body: Body): MessageFixture[] {
  if (Array.isArray(body.messages)) return body.messages as MessageFixture[];
  return [body as unknown as MessageFixture];
}

async function route(ctx: GmailContext, method: string, parts: string[], body: Body): Promise<unknown> {
  const now = ctx.now();
  const key = `${method} ${parts.map((p, i) => (parts[0] === 'mailboxes' && i === 1 ? ':email' : p)).join('/')}`;
  const email = parts[0] === 'mailboxes' ? parts[1] : '';
  switch (key) {
    case 'GET ':
      return {
        url: ctx.url,
        pushUrl: ctx.pushes.url,
        mailboxes: [...ctx.store.mailboxes.values()].map((m) => m.summary(now)),
        grants: ctx.oauth.grantsSummary(),
      };
    case 'POST reset':
      ctx.store = body.fixture ? new GmailStore(body.fixture as GmailFixture) : new GmailStore();
      ctx.pushes.attempts.length = 0;
      return { mailboxes: [...ctx.store.mailboxes.keys()] };
    case 'POST consent': {
      const consenting = optionalString(body, 'email');
      if (!consenting) throw badRequest('email is required');
      ctx.oauth.nextConsent = { email: consenting.toLowerCase(), deny: body.deny === true };
      return { nextConsent: ctx.oauth.nextConsent };
    }
    case 'POST deliver':
      return deliverLive(ctx, messagesOf(body), null);
    case 'GET mailboxes/:email': {
      const mailbox = ctx.store.mailbox(email);
      const messages = mailbox.all().map((m) => {
        return { id: m.id, threadId: m.threadId, messageId: m.messageId, internalDate: String(m.internalDate), historyId: String(m.historyId), labelIds: m.labelIds };
      });
      return { ...mailbox.summary(now), messages };
    }
    case 'POST mailboxes/:email/messages':
      ctx.store.mailbox(email);
      return deliverLive(ctx, messagesOf(body), email);
    case 'POST mailboxes/:email/generate': {
      const delivered = ctx.store.generate(email, body as unknown as GenerateSpec, now, body.live === true);
      const pushes = body.live === true ? await pushChanges(ctx, delivered) : [];
      return { generated: delivered.length, historyId: String(ctx.store.mailbox(email).historyId), pushes };
    }
    case 'POST mailboxes/:email/history/expire': {
      const mailbox = ctx.store.mailbox(email);
      mailbox.expireHistory();
      return { retainedFromHistoryId: String(mailbox.retainedFrom) };
    }
    case 'POST mailboxes/:email/watch/expire': {
      const mailbox = ctx.store.mailbox(email);
      if (mailbox.watch) mailbox.watch.expiration = now;
      return mailbox.summary(now);
    }
    case 'POST tokens/revoke':
    case 'POST tokens/expire': {
      const filter = { email: optionalString(body, 'email'), refreshToken: optionalString(body, 'refreshToken') };
      if (!filter.email && !filter.refreshToken) throw badRequest('email or refreshToken is required');
      return { ended: ctx.oauth.endGrants(filter, parts[1] === 'revoke' ? 'revoked' : 'expired') };
    }
    case 'POST tokens/expire-access': {
      const account = optionalString(body, 'email');
      if (!account) throw badRequest('email is required');
      return { expired: ctx.oauth.expireAccessTokens(account, now) };
    }
    case 'POST push': {
      const historyId = body.historyId === undefined ? null : String(body.historyId);
      const token = body.token === null ? null : optionalString(body, 'token');
      const attempt = await ctx.pushes.notify(optionalString(body, 'email') ?? null, historyId, { token, body: optionalString(body, 'body') });
      if (!attempt) throw badRequest('No push URL is set (POST /_standin/push-url)');
      return attempt;
    }
    case 'POST push-url': {
      ctx.pushes.url = optionalString(body, 'url') ?? null;
      ctx.pushes.token = optionalString(body, 'token') ?? ctx.pushes.token;
      return { pushUrl: ctx.pushes.url };
    }
    case 'GET pushes':
      return { pushes: ctx.pushes.attempts };
    default:
      throw notFound();
  }
}

export async function handleControl(ctx: GmailContext, request: RouteRequest): Promise<void> {
  const parts = request.path.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const body = request.method === 'POST' ? parseJsonObject(await readBody(request.req)) : {};
  sendJson(request.res, 200, await route(ctx, request.method, parts, body));
}
