import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandIn, StandInOptions } from '../stand-in';
import { CallDriver } from './call-driver';
import { CallbackSender } from './callbacks';
import { tokenOf, type ApiKey, type StandInContext } from './context';
import { handleControl } from './control';
import { notFound, sendError, sendJson, TwilioApiError } from './http';
import { MessageDriver } from './message-driver';
import { StandInStore, type Account } from './model';
import { handleRest } from './rest-router';
import { addNumber } from './rest-messaging';

export interface TwilioStandInOptions extends StandInOptions {
  /** The application's public base URL; inbound texts go to `<base>/webhooks/twilio/sms` (SPEC §4). */
  webhookBaseUrl?: string;
  /** Multiplies every simulated delay: 1 is real time (rings 3 s, talks 5 s), 0.01 a hundred times faster. */
  timeScale?: number;
  accountSid?: string;
  authToken?: string;
  /** Numbers the main account owns and may call and text from (default +15005550006). */
  phoneNumbers?: string[];
}

export interface TwilioStandIn extends StandIn {
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiKeySid: string;
  readonly apiKeySecret: string;
  readonly phoneNumbers: readonly string[];
  readonly context: StandInContext;
}

/** Stable development credentials, so `.engage/providers.json` does not change between runs. */
const derived = (label: string, length: number): string =>
  createHash('sha256').update(`engage-twilio-stand-in:${label}`).digest('hex').slice(0, length);
export const DEFAULT_ACCOUNT_SID = `AC${derived('account', 32)}`;
export const DEFAULT_AUTH_TOKEN = derived('token', 32);
export const DEFAULT_PHONE_NUMBER = '+15005550006';

export async function startTwilioStandIn(options: TwilioStandInOptions = {}): Promise<TwilioStandIn> {
  const now = new Date();
  const store = new StandInStore();
  const mainAccount: Account = {
    sid: options.accountSid ?? DEFAULT_ACCOUNT_SID,
    authToken: options.authToken ?? DEFAULT_AUTH_TOKEN,
    friendlyName: 'Engage development',
    ownerAccountSid: options.accountSid ?? DEFAULT_ACCOUNT_SID,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
  mainAccount.ownerAccountSid = mainAccount.sid;
  store.accounts.set(mainAccount.sid, mainAccount);
  const apiKey: ApiKey = {
    sid: `SK${derived(`key:${mainAccount.sid}`, 32)}`,
    secret: derived(`secret:${mainAccount.authToken}`, 32),
    accountSid: mainAccount.sid,
  };
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('timeScale must be a positive number');
  const sender = new CallbackSender();
  let baseUrl = '';
  const ctx: StandInContext = {
    store,
    sender,
    mainAccount,
    apiKeys: new Map([[apiKey.sid, apiKey]]),
    webhookBaseUrl: options.webhookBaseUrl?.replace(/\/+$/, ''),
    url: () => baseUrl,
    calls: new CallDriver({ store, sender, timeScale, standInUrl: () => baseUrl, tokenOf: (sid) => tokenOf({ store }, sid) }),
    messages: new MessageDriver({ store, sender, timeScale, tokenOf: (sid) => tokenOf({ store }, sid) }),
  };
  const phoneNumbers = options.phoneNumbers ?? [DEFAULT_PHONE_NUMBER];
  for (const n of phoneNumbers) addNumber(ctx, mainAccount.sid, n);

  const server = createServer((req, res) => void dispatch(ctx, req, res));
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    name: 'twilio',
    url: baseUrl,
    accountSid: mainAccount.sid,
    authToken: mainAccount.authToken,
    apiKeySid: apiKey.sid,
    apiKeySecret: apiKey.secret,
    phoneNumbers,
    context: ctx,
    describe: () => ({
      url: baseUrl,
      accountSid: mainAccount.sid,
      authToken: mainAccount.authToken,
      apiKeySid: apiKey.sid,
      apiKeySecret: apiKey.secret,
      phoneNumber: phoneNumbers[0] ?? '',
      webhookBaseUrl: ctx.webhookBaseUrl ?? '',
      controlUrl: `${baseUrl}/_standin`,
      timeScale,
    }),
    stop: async () => {
      ctx.calls.stopAll();
      ctx.messages.stopAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function dispatch(ctx: StandInContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  try {
    if (url.pathname === '/_standin' || url.pathname.startsWith('/_standin/')) {
      if (url.pathname === '/_standin' || url.pathname === '/_standin/describe') {
        sendJson(res, 200, { url: ctx.url(), accountSid: ctx.mainAccount.sid, webhookBaseUrl: ctx.webhookBaseUrl ?? null });
        return;
      }
      await handleControl(ctx, req, res, url);
      return;
    }
    if (url.pathname.startsWith('/2010-04-01/') || url.pathname.startsWith('/lookups/')) {
      await handleRest(ctx, req, res, url);
      return;
    }
    throw notFound(url.pathname);
  } catch (error) {
    if (error instanceof TwilioApiError) {
      sendError(res, error);
      return;
    }
    process.stderr.write(
      `${JSON.stringify({ level: 'error', msg: 'twilio stand-in request failed', path: url.pathname, err: String(error) })}\n`,
    );
    if (!res.headersSent) sendError(res, new TwilioApiError(500, 20500, 'Internal Server Error'));
    else res.destroy();
  }
}
