import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallbackSender } from './callbacks';
import type { CallDriver } from './call-driver';
import { basicCredentials, FormParams, notFound, TwilioApiError } from './http';
import type { MessageDriver } from './message-driver';
import type { Account, StandInStore } from './model';

/** An API key (SK…) and its secret: Twilio accepts them for REST auth and signs access tokens with them. */
export interface ApiKey {
  sid: string;
  secret: string;
  accountSid: string;
}

/** What every route works with. */
export interface StandInContext {
  store: StandInStore;
  sender: CallbackSender;
  calls: CallDriver;
  messages: MessageDriver;
  apiKeys: Map<string, ApiKey>;
  mainAccount: Account;
  /** Where the application's webhooks live (`…/webhooks/twilio/sms` for inbound texts). */
  webhookBaseUrl?: string;
  url: () => string;
}

/** One REST request, already parsed. */
export interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  form: FormParams;
  /** The account the credentials belong to. */
  caller: Account;
}

/** The account whose credentials (auth token, or an API key) sign this request, or 401 as Twilio answers. */
export function authenticate(ctx: StandInContext, req: IncomingMessage): Account {
  const credentials = basicCredentials(req);
  if (credentials) {
    const account = ctx.store.accounts.get(credentials.user);
    if (account && account.authToken === credentials.password && account.status === 'active') return account;
    const key = ctx.apiKeys.get(credentials.user);
    if (key && key.secret === credentials.password) {
      const owner = ctx.store.accounts.get(key.accountSid);
      if (owner) return owner;
    }
  }
  throw new TwilioApiError(401, 20003, 'Authenticate');
}

/** The account named in the path, if the caller may act on it (itself or one of its subaccounts). */
export function accountInPath(ctx: StandInContext, caller: Account, accountSid: string, path: string): Account {
  const account = ctx.store.accounts.get(accountSid);
  if (!account || (account.sid !== caller.sid && account.ownerAccountSid !== caller.sid)) throw notFound(path);
  return account;
}

export function tokenOf(ctx: Pick<StandInContext, 'store'>, accountSid: string): string {
  return ctx.store.accounts.get(accountSid)?.authToken ?? '';
}
