/**
 * What every route of the stand-in works on: the mailboxes, the OAuth provider, the push sender
 * and the clock (real time; tests move it by expiring tokens, watches or history instead).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Mailbox } from './mailbox';
import type { StoredMessage } from './mime';
import type { OAuthProvider } from './oauth';
import type { PushAttempt, PushSender } from './push';
import type { GmailStore } from './store';

export interface GmailContext {
  readonly url: string;
  store: GmailStore;
  readonly oauth: OAuthProvider;
  readonly pushes: PushSender;
  now(): number;
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
}

/**
 * After live mail reached mailboxes: one push per watched mailbox with its new history id
 * (Gmail batches a burst of changes into one notification carrying the latest id).
 */
export async function pushChanges(ctx: GmailContext, changed: readonly { mailbox: Mailbox; message: StoredMessage }[]): Promise<PushAttempt[]> {
  const byMailbox = new Map<Mailbox, StoredMessage[]>();
  for (const { mailbox, message } of changed) byMailbox.set(mailbox, [...(byMailbox.get(mailbox) ?? []), message]);
  const sent: PushAttempt[] = [];
  for (const [mailbox, messages] of byMailbox) {
    if (!mailbox.watches(messages, ctx.now())) continue;
    const attempt = await ctx.pushes.notify(mailbox.email, String(mailbox.historyId));
    if (attempt) sent.push(attempt);
  }
  return sent;
}
