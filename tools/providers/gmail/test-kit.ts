/**
 * What the stand-in's integration tests share: the consent + PKCE code exchange done the way a
 * service does it with the official libraries, a small control API client and a real HTTP push
 * endpoint that checks the push token as the service's POST /webhooks/gmail will.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { gmail_v1 } from '@googleapis/gmail';
import type { Credentials, OAuth2Client } from 'google-auth-library';
import { createStandInGmail, createStandInOAuth2Client } from './client';
import type { GmailStandIn } from './server';

export const REDIRECT_URI = 'http://127.0.0.1:3000/v1/integrations/gmail/callback';
export const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';

/** POSTs (or GETs) the control API and returns its JSON; throws on a non-2xx answer. */
export async function control<T = Record<string, unknown>>(standIn: GmailStandIn, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  const response = await fetch(`${standIn.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Follows the consent URL without a browser and returns the redirect's query (code, state or error). */
export async function consent(authUrl: string): Promise<URLSearchParams> {
  const response = await fetch(authUrl, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`consent answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!).searchParams;
}

export interface Connection {
  auth: OAuth2Client;
  gmail: gmail_v1.Gmail;
  tokens: Credentials;
}

/** Connects a scripted mailbox as the service will: PKCE, offline access, code exchange. */
export async function connect(standIn: GmailStandIn, email: string, scope = [GMAIL_READONLY]): Promise<Connection> {
  const auth = createStandInOAuth2Client(standIn.url, {
    clientId: standIn.clientId,
    clientSecret: standIn.clientSecret,
    redirectUri: REDIRECT_URI,
    // Refresh on a 401 even before the token's own expiry date (revoked or expired at Google's side).
    forceRefreshOnFailure: true,
  });
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
  const url = auth.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope,
    state: 'state-1',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
    login_hint: email,
  });
  const code = (await consent(url)).get('code');
  if (!code) throw new Error(`no code for ${email}`);
  const { tokens } = await auth.getToken({ code, codeVerifier });
  auth.setCredentials(tokens);
  return { auth, gmail: createStandInGmail(standIn.url, auth), tokens };
}

export interface ReceivedPush {
  token: string | null;
  authorization: string | null;
  body: string;
}

/** A real push endpoint: records every push and answers 204 when its token is right, 403 otherwise. */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  url = '';
  private server: Server | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly expectedToken: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const token = new URL(req.url ?? '/', 'http://receiver').searchParams.get('token');
        this.received.push({ token, authorization: req.headers.authorization ?? null, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(token === this.expectedToken ? 204 : 403).end();
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/gmail`;
    return this;
  }

  /** Resolves once `count` pushes arrived (or rejects after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedPush[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} pushes, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The decoded `message.data` of a push body. */
export function pushData(body: string): { emailAddress: string; historyId: number } {
  const parsed = JSON.parse(body) as { message: { data: string } };
  return JSON.parse(Buffer.from(parsed.message.data, 'base64').toString('utf8')) as { emailAddress: string; historyId: number };
}
