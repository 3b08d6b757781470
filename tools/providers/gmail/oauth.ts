/**
 * Google's OAuth 2.0 as the stand-in plays it: the consent screen issues a code for a scripted
 * account (PKCE challenge remembered), the token endpoint exchanges it once — checking client,
 * redirect URI and `code_verifier` — and refreshes with the refresh token until it is revoked
 * or expired (`invalid_grant`, "Token has been expired or revoked."), as Google answers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS, CODE_TTL_MS, READ_SCOPES } from './constants';
import { GoogleApiError, OAuthError } from './http';

interface Code {
  email: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge: string | null;
  challengeMethod: 'S256' | 'plain';
  offline: boolean;
  expiresAt: number;
  used: boolean;
}

/** One consent: the refresh token and every access token minted from it live and die together. */
export interface Grant {
  id: string;
  email: string;
  clientId: string;
  scope: string;
  refreshToken: string | null;
  state: 'active' | 'revoked' | 'expired';
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export interface Authenticated {
  email: string;
  scopes: string[];
  grant: Grant;
}

export interface ConsentResult {
  redirect: string;
}

const token = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

export class OAuthProvider {
  private readonly codes = new Map<string, Code>();
  private readonly grants: Grant[] = [];
  private readonly accessTokens = new Map<string, AccessToken>();
  /** Who consents next when the authorize URL has no `login_hint` (set by POST /_standin/consent). */
  nextConsent: { email: string; deny: boolean } | null = null;

  constructor(
    readonly clientId: string,
    private readonly clientSecret: string,
    private readonly accessTokenTtlSeconds = ACCESS_TOKEN_TTL_SECONDS,
  ) {}

  /**
   * The consent screen, answered at once: a redirect to `redirect_uri` with `code` and `state`
   * (or `error=access_denied`). Returns null when no account is known (the caller shows a chooser).
   */
  authorize(query: URLSearchParams, accounts: ReadonlySet<string>, now: number): ConsentResult | null {
    const redirectUri = query.get('redirect_uri');
    if (query.get('client_id') !== this.clientId) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) throw new OAuthError(400, 'invalid_request', 'Missing or invalid redirect_uri.');
    if (query.get('response_type') !== 'code') throw new OAuthError(400, 'unsupported_response_type', 'Only response_type=code is supported.');
    const scope = (query.get('scope') ?? '').trim();
    if (!scope) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: scope');
    const method = query.get('code_challenge_method') ?? 'plain';
    if (method !== 'S256' && method !== 'plain') throw new OAuthError(400, 'invalid_request', 'Invalid code_challenge_method.');
    const hint = query.get('login_hint')?.toLowerCase();
    const consent = hint ? { email: hint, deny: false } : this.nextConsent;
    if (!consent) return null;
    if (!hint) this.nextConsent = null;
    const target = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) target.searchParams.set('state', state);
    if (consent.deny || !accounts.has(consent.email)) {
      target.searchParams.set('error', 'access_denied');
      return { redirect: target.toString() };
    }
    const code = token('4/0standin-');
    this.codes.set(code, {
      email: consent.email,
      clientId: this.clientId,
      redirectUri,
      scope,
      challenge: query.get('code_challenge'),
      challengeMethod: method,
      offline: query.get('access_type') === 'offline',
      expiresAt: now + CODE_TTL_MS,
      used: false,
    });
    target.searchParams.set('code', code);
    target.searchParams.set('scope', scope);
    return { redirect: target.toString() };
  }

  /** POST /token: `authorization_code` and `refresh_token` grants. */
  exchange(params: URLSearchParams, basicAuth: { user: string; password: string } | undefined, now: number): Record<string, unknown> {
    const clientId = basicAuth?.user ?? params.get('client_id');
    const clientSecret = basicAuth?.password ?? params.get('client_secret');
    if (clientId !== this.clientId) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (clientSecret !== this.clientSecret) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
    const grantType = params.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(params, now);
    if (grantType === 'refresh_token') return this.refresh(params, now);
    throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }

  private exchangeCode(params: URLSearchParams, now: number): Record<string, unknown> {
    const raw = params.get('code');
    if (!raw) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code');
    const code = this.codes.get(raw);
    if (!code || code.used || code.expiresAt <= now) throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    if (params.get('redirect_uri') !== code.redirectUri) throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (code.challenge !== null) {
      const verifier = params.get('code_verifier');
      if (!verifier) throw new OAuthError(400, 'invalid_grant', 'Missing code verifier.');
      const computed = code.challengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      // A failed verification burns nothing: Google keeps the code until it is used or expires.
      if (computed !== code.challenge) throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    code.used = true;
    const grant: Grant = {
      id: token('grant-'),
      email: code.email,
      clientId: code.clientId,
      scope: code.scope,
      refreshToken: code.offline ? token('1//standin-') : null,
      state: 'active',
    };
    this.grants.push(grant);
    return { ...this.mint(grant, now), ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}) };
  }

  private refresh(params: URLSearchParams, now: number): Record<string, unknown> {
    const refreshToken = params.get('refresh_token');
    if (!refreshToken) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const grant = this.grants.find((g) => g.refreshToken === refreshToken);
    if (!grant || grant.state !== 'active') throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    return this.mint(grant, now);
  }

  private mint(grant: Grant, now: number): Record<string, unknown> {
    const access = token('ya29.standin-');
    this.accessTokens.set(access, { grant, expiresAt: now + this.accessTokenTtlSeconds * 1000 });
    return { access_token: access, expires_in: this.accessTokenTtlSeconds, scope: grant.scope, token_type: 'Bearer' };
  }

  /** POST /revoke?token=…: an access or refresh token; either one ends the whole grant, as at Google. */
  revoke(value: string | null): void {
    const grant = value ? (this.accessTokens.get(value)?.grant ?? this.grants.find((g) => g.refreshToken === value)) : undefined;
    if (!grant || grant.state !== 'active') throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
    grant.state = 'revoked';
  }

  /** Control: ends every grant of an account (the user removed access, or Google expired it). */
  endGrants(filter: { email?: string; refreshToken?: string }, state: 'revoked' | 'expired'): number {
    const hits = this.grants.filter(
      (g) => g.state === 'active' && (filter.email === undefined || g.email === filter.email.toLowerCase()) && (filter.refreshToken === undefined || g.refreshToken === filter.refreshToken),
    );
    hits.forEach((g) => (g.state = state));
    return hits.length;
  }

  /** Control: makes the account's current access tokens expire now, so clients must refresh. */
  expireAccessTokens(email: string, now: number): number {
    let count = 0;
    for (const access of this.accessTokens.values()) {
      if (access.grant.email === email.toLowerCase() && access.expiresAt > now) {
        access.expiresAt = now;
        count++;
      }
    }
    return count;
  }

  /** The account behind a bearer token, or Google's 401. */
  authenticate(value: string | undefined, now: number): Authenticated {
    const access = value ? this.accessTokens.get(value) : undefined;
    if (!access || access.expiresAt <= now || access.grant.state !== 'active') {
      throw new GoogleApiError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    return { email: access.grant.email, scopes: access.grant.scope.split(/\s+/), grant: access.grant };
  }

  /** Gmail refuses a token without a mail scope with 403 insufficientPermissions. */
  requireMailScope(auth: Authenticated): void {
    if (!auth.scopes.some((s) => (READ_SCOPES as readonly string[]).includes(s))) {
      throw new GoogleApiError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
    }
  }

  tokenInfo(value: string | undefined, now: number): Record<string, unknown> {
    const access = value ? this.accessTokens.get(value) : undefined;
    if (!access || access.expiresAt <= now || access.grant.state !== 'active') throw new OAuthError(400, 'invalid_token', 'Invalid Value');
    return {
      azp: access.grant.clientId,
      aud: access.grant.clientId,
      sub: subjectOf(access.grant.email),
      scope: access.grant.scope,
      exp: String(Math.floor(access.expiresAt / 1000)),
      expires_in: Math.max(0, Math.floor((access.expiresAt - now) / 1000)),
      email: access.grant.email,
      email_verified: 'true',
      access_type: access.grant.refreshToken ? 'offline' : 'online',
    };
  }

  grantsSummary(): Record<string, unknown>[] {
    return this.grants.map((g) => ({ email: g.email, scope: g.scope, state: g.state, hasRefreshToken: g.refreshToken !== null }));
  }
}

/** Google's stable numeric user id, derived here from the address. */
export function subjectOf(email: string): string {
  return BigInt(`0x${createHash('sha256').update(email).digest('hex').slice(0, 15)}`).toString(10);
}
