/**
 * The Gmail stand-in's HTTP server: Google's OAuth endpoints, the Gmail API under /gmail/v1 and
 * the control API under /_standin, all on one port, with Pub/Sub-style pushes to `pushUrl`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandIn, StandInOptions } from '../stand-in';
import {
  AUTH_PATH,
  GMAIL_STAND_IN_CLIENT_ID,
  GMAIL_STAND_IN_CLIENT_SECRET,
  GMAIL_STAND_IN_PUSH_TOKEN,
  REVOKE_PATH,
  TOKEN_INFO_PATH,
  TOKEN_PATH,
} from './constants';
import type { GmailContext, RouteRequest } from './context';
import { handleControl } from './control';
import type { GmailFixture } from './fixture-types';
import { handleGmailApi } from './gmail-api';
import { GoogleApiError, sendError } from './http';
import { OAuthProvider } from './oauth';
import { handleOAuth } from './oauth-routes';
import { PushSender, type PushRetry } from './push';
import { GmailStore } from './store';

export interface GmailStandInOptions extends StandInOptions {
  /** Where Pub/Sub-style pushes go (the service's POST /webhooks/gmail); changeable with POST /_standin/push-url. */
  pushUrl?: string;
  /** Appended to every push as `?token=`; the service verifies it. */
  pushToken?: string;
  /** The scripted mailboxes, or a path to their JSON; default DEFAULT_GMAIL_FIXTURE. */
  fixture?: GmailFixture | string;
  /** Access token lifetime (default 3599 s, as Google's). */
  accessTokenTtlSeconds?: number;
  pushRetry?: Partial<PushRetry>;
}

export interface GmailStandIn extends StandIn {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly authUrl: string;
  readonly revokeUrl: string;
  readonly controlUrl: string;
  readonly pushToken: string;
}

function loadFixture(fixture: GmailFixture | string | undefined): GmailFixture | undefined {
  if (typeof fixture !== 'string') return fixture;
  return JSON.parse(readFileSync(fixture, 'utf8')) as GmailFixture;
}

export async function startGmailStandIn(options: GmailStandInOptions = {}): Promise<GmailStandIn> {
  const host = options.host ?? '127.0.0.1';
  const pushToken = options.pushToken ?? GMAIL_STAND_IN_PUSH_TOKEN;
  const ctx: GmailContext = {
    url: '',
    store: new GmailStore(loadFixture(options.fixture)),
    oauth: new OAuthProvider(GMAIL_STAND_IN_CLIENT_ID, GMAIL_STAND_IN_CLIENT_SECRET, options.accessTokenTtlSeconds),
    pushes: new PushSender(options.pushUrl ?? null, pushToken, { attempts: options.pushRetry?.attempts ?? 3, delayMs: options.pushRetry?.delayMs ?? 1000 }),
    now: () => Date.now(),
  };

  async function handle(request: RouteRequest): Promise<void> {
    if (request.path === '/_standin' || request.path.startsWith('/_standin/')) return handleControl(ctx, request);
    if (await handleOAuth(ctx, request)) return;
    if (await handleGmailApi(ctx, request)) return;
    throw new GoogleApiError(404, 'notFound', `The Gmail stand-in does not serve ${request.method} ${request.path}; see tools/providers/gmail/README.md`);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const request: RouteRequest = {
      req,
      res,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname.replace(/\/+$/, '') || '/',
      query: url.searchParams,
    };
    handle(request).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  (ctx as { url: string }).url = url;
  const urls = { tokenUrl: `${url}${TOKEN_PATH}`, authUrl: `${url}${AUTH_PATH}`, revokeUrl: `${url}${REVOKE_PATH}`, controlUrl: `${url}/_standin` };

  return {
    name: 'gmail',
    url,
    clientId: GMAIL_STAND_IN_CLIENT_ID,
    clientSecret: GMAIL_STAND_IN_CLIENT_SECRET,
    pushToken,
    ...urls,
    describe: () => ({
      url,
      clientId: GMAIL_STAND_IN_CLIENT_ID,
      clientSecret: GMAIL_STAND_IN_CLIENT_SECRET,
      ...urls,
      tokenInfoUrl: `${url}${TOKEN_INFO_PATH}`,
      gmailRootUrl: `${url}/`,
      pushToken,
      pushUrl: ctx.pushes.url ?? '',
    }),
    stop: async () => {
      ctx.pushes.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
