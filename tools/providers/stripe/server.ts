/**
 * The Stripe stand-in's HTTP server: /v1 answers the SDK (API key auth, form bodies,
 * Idempotency-Key replay, Stripe-shaped errors, an optional outage), /_standin is the control
 * API for tests, /checkout and /portal are the hosted pages, and events go to the webhook URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandIn, StandInOptions } from '../stand-in';
import { StripeAccount } from './account';
import { apiRoutes } from './api-routes';
import {
  DEFAULT_PRICES,
  STRIPE_STAND_IN_API_VERSION,
  STRIPE_STAND_IN_SECRET_KEY,
  STRIPE_STAND_IN_WEBHOOK_SECRET,
  type StandInPrice,
} from './constants';
import { controlRoutes, type ControlState } from './control-routes';
import { idempotencyMismatch, invalidApiKey, invalidParam, invalidRequest, outage, StripeApiError, unrecognizedUrl } from './errors';
import { FormError, FormReader, parseStripeForm } from './form';
import { SubscriptionLifecycle } from './lifecycle';
import type { Json } from './objects';
import { checkoutPage, payCheckout, portalCancel, portalPage, type PageResult } from './pages';
import { matchRoute } from './router';
import { newId, StripeStore } from './store';
import { WebhookSender, type WebhookRetryOptions } from './webhooks';

export interface StripeStandInOptions extends StandInOptions {
  /** Where events are POSTed; can be changed later with POST /_standin/webhook. */
  webhookUrl?: string;
  prices?: readonly StandInPrice[];
  webhookRetry?: Partial<WebhookRetryOptions>;
}

export interface StripeStandIn extends StandIn {
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly controlUrl: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(invalidRequest('Request body too large.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Accepts `Authorization: Bearer sk_…` (what the SDK sends) or Basic with the key as user (curl -u). */
function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice(7).trim();
  if (header.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0];
  return undefined;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function asStripeError(error: unknown): StripeApiError {
  if (error instanceof StripeApiError) return error;
  if (error instanceof FormError) return invalidParam(error.param, error.message);
  return new StripeApiError(500, { type: 'api_error', message: `Stripe stand-in error: ${(error as Error).message}` });
}

export async function startStripeStandIn(options: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const host = options.host ?? '127.0.0.1';
  const store = new StripeStore(options.prices ?? DEFAULT_PRICES);
  const webhooks = new WebhookSender(options.webhookUrl ?? null, STRIPE_STAND_IN_WEBHOOK_SECRET, {
    attempts: options.webhookRetry?.attempts ?? 3,
    delayMs: options.webhookRetry?.delayMs ?? 1000,
  });
  const idempotent = new Map<string, StoredResponse>();
  const state: ControlState = { outage: false };
  // Filled in once the server listens: the account needs its own URL for Checkout and portal links.
  const handlers = {} as {
    account: StripeAccount;
    api: ReturnType<typeof apiRoutes>;
    control: ReturnType<typeof controlRoutes>;
    lifecycle: SubscriptionLifecycle;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: string): Promise<void> {
    const requestId = newId('req', 14);
    const idempotencyKey = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const headers: Record<string, string> = { 'request-id': requestId, 'stripe-version': STRIPE_STAND_IN_API_VERSION };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    try {
      const key = apiKeyOf(req);
      if (key !== STRIPE_STAND_IN_SECRET_KEY) throw invalidApiKey(key);
      if (state.outage) throw outage();
      const body = method === 'POST' ? await readBody(req) : '';
      const matched = matchRoute(handlers.api, method, path);
      if (!matched) throw unrecognizedUrl(method, path);
      // Stripe keeps a key's first result and replays it; the same key with other parameters is an error.
      const fingerprint = `${method} ${path}\n${body}`;
      if (idempotencyKey && method === 'POST') {
        const stored = idempotent.get(idempotencyKey);
        if (stored && stored.fingerprint !== fingerprint) throw idempotencyMismatch(idempotencyKey);
        if (stored) return send(res, stored.status, stored.body, { ...headers, 'idempotent-replayed': 'true' });
      }
      const form = new FormReader(parseStripeForm(method === 'POST' ? body : query));
      const json = matched.handler({ method, path, params: matched.params, form, cause: { requestId, idempotencyKey } });
      const text = JSON.stringify(json);
      if (idempotencyKey && method === 'POST') idempotent.set(idempotencyKey, { fingerprint, status: 200, body: text });
      send(res, 200, text, headers);
    } catch (error) {
      const stripeError = asStripeError(error);
      send(res, stripeError.status, JSON.stringify(stripeError.toJSON()), headers);
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    try {
      const matched = matchRoute(handlers.control, method, path);
      if (!matched) throw unrecognizedUrl(method, path);
      const raw = method === 'POST' ? await readBody(req) : '';
      let body: Json = {};
      if (raw.trim()) {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidRequest('The body must be a JSON object.');
        body = parsed as Json;
      }
      const json = matched.handler({ params: matched.params, body });
      // A control call answers once the webhooks it caused have been delivered (or failed once).
      await webhooks.drain();
      send(res, 200, JSON.stringify(json));
    } catch (error) {
      const stripeError = error instanceof SyntaxError ? invalidRequest(`Invalid JSON: ${error.message}`) : asStripeError(error);
      send(res, stripeError.status, JSON.stringify(stripeError.toJSON()));
    }
  }

  async function handlePage(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const { account, lifecycle } = handlers;
    let result: PageResult;
    try {
      const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
      if (method === 'GET' && parts[0] === 'checkout' && parts.length === 2) result = checkoutPage(account, parts[1]);
      else if (method === 'POST' && parts[0] === 'checkout' && parts[2] === 'pay' && parts.length === 3) result = payCheckout(account, parts[1]);
      else if (method === 'GET' && parts[0] === 'portal' && parts.length === 2) result = portalPage(account, parts[1]);
      else if (method === 'POST' && parts[0] === 'portal' && parts[2] === 'cancel' && parts.length === 4) result = portalCancel(account, lifecycle, parts[1], parts[3]);
      else throw unrecognizedUrl(method, path);
      if (method === 'POST') await readBody(req);
      await webhooks.drain();
    } catch (error) {
      const stripeError = asStripeError(error);
      result = { status: stripeError.status, html: `<!doctype html><p>${stripeError.message.replace(/[<>&]/g, '')}</p>` };
    }
    if (result.redirect) {
      res.writeHead(result.status, { location: result.redirect });
      res.end();
    } else {
      res.writeHead(result.status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(result.html);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const handled = path.startsWith('/v1/')
      ? handleApi(req, res, method, path, url.search.slice(1))
      : path === '/_standin' || path.startsWith('/_standin/')
        ? handleControl(req, res, method, path)
        : handlePage(req, res, method, path);
    handled.catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify(asStripeError(error).toJSON()));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const account = new StripeAccount(store, webhooks, url);
  const lifecycle = new SubscriptionLifecycle(account);
  Object.assign(handlers, { account, lifecycle, api: apiRoutes(account), control: controlRoutes(account, lifecycle, state) });

  return {
    name: 'stripe',
    url,
    secretKey: STRIPE_STAND_IN_SECRET_KEY,
    webhookSecret: STRIPE_STAND_IN_WEBHOOK_SECRET,
    controlUrl: `${url}/_standin`,
    describe: () => ({
      url,
      secretKey: STRIPE_STAND_IN_SECRET_KEY,
      webhookSecret: STRIPE_STAND_IN_WEBHOOK_SECRET,
      apiVersion: STRIPE_STAND_IN_API_VERSION,
      controlUrl: `${url}/_standin`,
      webhookUrl: webhooks.url ?? '',
    }),
    stop: async () => {
      webhooks.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
