import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { CodeChallengeMethod, OAuth2Client, type OAuth2ClientOptions } from 'google-auth-library';
import { LRUCache } from 'lru-cache';
import { UnavailableError } from '@engage/errors';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import type { ActivityConfig } from '../config';

/** Read the mailbox (sync); nothing is sent, so no send scope is asked for. */
export const GMAIL_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly'];

/** A PKCE pair (RFC 7636): the verifier stays with us, the S256 challenge goes to the consent screen. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** What Google's libraries throw, reduced to what the sync decides on. */
export type GoogleFailure = 'reconsent' | 'not_found' | 'transient';

/**
 * `invalid_grant` (revoked, expired, password changed: only the user can fix it by connecting
 * again), a 404 (e.g. history older than Gmail keeps), or anything else (retried later).
 */
export function classifyGoogleError(error: unknown): GoogleFailure {
  const e = error as { status?: number; code?: number | string; response?: { status?: number; data?: unknown }; message?: string } | null;
  const data = e?.response?.data as { error?: unknown } | undefined;
  const oauthError = typeof data?.error === 'string' ? data.error : null;
  if (oauthError === 'invalid_grant' || /invalid_grant/.test(String(e?.message ?? ''))) return 'reconsent';
  const status = e?.response?.status ?? e?.status ?? (typeof e?.code === 'number' ? e.code : undefined);
  if (status === 404) return 'not_found';
  if (status === 401) return 'reconsent';
  return 'transient';
}

/** A failure as the API shows it: what happened, never a token or a message's contents. */
export function describeGoogleError(error: unknown): string {
  const e = error as { response?: { status?: number; data?: unknown }; message?: string } | null;
  const data = e?.response?.data as { error?: unknown; error_description?: unknown } | undefined;
  const status = e?.response?.status;
  if (typeof data?.error === 'string') return `Google answered ${status ?? 'an error'}: ${data.error}${typeof data.error_description === 'string' ? ` (${data.error_description})` : ''}`.slice(0, 500);
  const message = String(e?.message ?? error).replace(/ya29\.[\w.-]+|1\/\/[\w.-]+/g, '[token]');
  return (status ? `Google answered ${status}: ${message}` : message).slice(0, 500);
}

/**
 * Google's official libraries (`google-auth-library`, `@googleapis/gmail`), configured once. With
 * GMAIL_*_URL set they talk to the local stand-in at Google's own paths; unset, to Google. Every
 * client uses Node's `fetch` (gaxios would otherwise load node-fetch with a dynamic import, which
 * Jest refuses), and refreshes its access token by itself, also when Google rejects one early (401).
 */
@Injectable()
export class GoogleMail {
  /** Mailbox clients by connection and grant, so a sync reuses the access token of the last one. */
  private readonly clients = new LRUCache<string, gmail_v1.Gmail>({ max: 2000 });

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ActivityConfig) {}

  get configured(): boolean {
    return !!this.config.GMAIL_CLIENT_ID && !!this.config.GMAIL_CLIENT_SECRET;
  }

  /** 503 unless a Google OAuth client is configured. */
  assertConfigured(): void {
    if (!this.configured) throw new UnavailableError('Gmail (no Google OAuth client configured)');
  }

  /** Google's consent screen for `state`, asking for offline access (a refresh token) with PKCE. */
  authorizeUrl(state: string, challenge: string): string {
    return this.oauth().generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: true,
      scope: GMAIL_SCOPES,
      state,
      code_challenge: challenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
  }

  /** Exchanges the code (with its PKCE verifier); the tokens and the mailbox's address and current history id. */
  async exchange(code: string, verifier: string): Promise<{ refreshToken: string | null; emailAddress: string; historyId: string | null }> {
    const auth = this.oauth();
    const { tokens } = await auth.getToken({ code, codeVerifier: verifier, redirect_uri: this.config.gmailRedirectUri });
    auth.setCredentials(tokens);
    const profile = await this.api(auth).users.getProfile({ userId: 'me' });
    return { refreshToken: tokens.refresh_token ?? null, emailAddress: String(profile.data.emailAddress ?? ''), historyId: profile.data.historyId ?? null };
  }

  /** The Gmail API as the owner of `refreshToken` (`key` names the connection, for reuse). */
  mailbox(key: string, refreshToken: string): gmail_v1.Gmail {
    const cacheKey = `${key}:${createHash('sha256').update(refreshToken).digest('base64url')}`;
    let client = this.clients.get(cacheKey);
    if (!client) {
      const auth = this.oauth();
      auth.setCredentials({ refresh_token: refreshToken });
      client = this.api(auth);
      this.clients.set(cacheKey, client);
    }
    return client;
  }

  /** Revokes the grant at Google (the refresh token and every access token of it). */
  async revoke(refreshToken: string): Promise<void> {
    await this.oauth().revokeToken(refreshToken);
  }

  private oauth(): OAuth2Client {
    this.assertConfigured();
    const c = this.config;
    const endpoints: NonNullable<OAuth2ClientOptions['endpoints']> = {
      ...(c.GMAIL_AUTH_URL ? { oauth2AuthBaseUrl: c.GMAIL_AUTH_URL } : {}),
      ...(c.GMAIL_TOKEN_URL ? { oauth2TokenUrl: c.GMAIL_TOKEN_URL } : {}),
      ...(c.GMAIL_REVOKE_URL ? { oauth2RevokeUrl: c.GMAIL_REVOKE_URL } : {}),
      ...(c.GMAIL_TOKEN_INFO_URL ? { tokenInfoUrl: c.GMAIL_TOKEN_INFO_URL } : {}),
    };
    return new OAuth2Client({
      clientId: c.GMAIL_CLIENT_ID,
      clientSecret: c.GMAIL_CLIENT_SECRET,
      redirectUri: c.gmailRedirectUri,
      endpoints,
      forceRefreshOnFailure: true,
      transporterOptions: { fetchImplementation: fetch },
    });
  }

  private api(auth: OAuth2Client): gmail_v1.Gmail {
    const root = this.config.GMAIL_GMAIL_ROOT_URL;
    return gmail({ version: 'v1', auth, ...(root ? { rootUrl: `${root.replace(/\/+$/, '')}/` } : {}) });
  }
}
