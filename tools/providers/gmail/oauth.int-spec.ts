// Google's OAuth as the stand-in plays it, driven by the real google-auth-library pointed at it
// through OAuth2Client's `endpoints`: PKCE code exchange, refresh, revocation and its invalid_grant.
import { createStandInOAuth2Client, startGmailStandIn, type GmailStandIn } from './index';
import { connect, consent, control, GMAIL_READONLY, REDIRECT_URI } from './test-kit';

describe('Gmail stand-in OAuth through google-auth-library', () => {
  let standIn: GmailStandIn;

  beforeAll(async () => {
    standIn = await startGmailStandIn({ port: 0 });
  });
  afterAll(() => standIn.stop());

  function client() {
    return createStandInOAuth2Client(standIn.url, { clientId: standIn.clientId, clientSecret: standIn.clientSecret, redirectUri: REDIRECT_URI });
  }

  async function codeFor(email: string, challenge: string): Promise<string> {
    const url = client().generateAuthUrl({
      access_type: 'offline',
      scope: [GMAIL_READONLY],
      state: 'opaque-state',
      code_challenge: challenge,
      code_challenge_method: 'S256' as never,
      login_hint: email,
    });
    const query = await consent(url);
    expect(query.get('state')).toBe('opaque-state');
    return query.get('code')!;
  }

  /** The library's HTTP error (a GaxiosError: status and the response body Google sent). */
  async function errorOf(promise: Promise<unknown>): Promise<{ status?: number; response?: { data: unknown } }> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toHaveProperty('response');
    return error as { status?: number; response?: { data: unknown } };
  }

  function refreshWith(refreshToken: string) {
    const auth = client();
    auth.setCredentials({ refresh_token: refreshToken });
    return auth.getAccessToken();
  }

  it('exchanges a code with the matching PKCE verifier for access and refresh tokens, once', async () => {
    const auth = client();
    const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
    const code = await codeFor('alice@engage.test', codeChallenge!);
    const { tokens } = await auth.getToken({ code, codeVerifier });
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: GMAIL_READONLY });
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(tokens.expiry_date).toBeGreaterThan(Date.now() + 3500_000);
    const info = await auth.getTokenInfo(tokens.access_token!);
    expect(info).toMatchObject({ email: 'alice@engage.test', aud: standIn.clientId, scopes: [GMAIL_READONLY] });

    const replay = await errorOf(auth.getToken({ code, codeVerifier }));
    expect(replay.status).toBe(400);
    expect(replay.response?.data).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code with the wrong verifier, a missing verifier or another redirect URI (invalid_grant)', async () => {
    const auth = client();
    const { codeChallenge } = await auth.generateCodeVerifierAsync();
    const other = await auth.generateCodeVerifierAsync();
    const code = await codeFor('bob@engage.test', codeChallenge!);
    const wrong = await errorOf(auth.getToken({ code, codeVerifier: other.codeVerifier }));
    expect(wrong.status).toBe(400);
    expect(wrong.response?.data).toMatchObject({ error: 'invalid_grant' });
    const missing = await errorOf(auth.getToken({ code }));
    expect(missing.response?.data).toMatchObject({ error: 'invalid_grant' });
    const redirect = await errorOf(auth.getToken({ code, codeVerifier: other.codeVerifier, redirect_uri: 'http://evil.test/cb' }));
    expect(redirect.response?.data).toMatchObject({ error: 'redirect_uri_mismatch' });
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const bad = createStandInOAuth2Client(standIn.url, { clientId: standIn.clientId, clientSecret: 'not-the-secret', redirectUri: REDIRECT_URI });
    const { codeVerifier, codeChallenge } = await bad.generateCodeVerifierAsync();
    const code = await codeFor('alice@engage.test', codeChallenge!);
    const error = await errorOf(bad.getToken({ code, codeVerifier }));
    expect(error.status).toBe(401);
    expect(error.response?.data).toMatchObject({ error: 'invalid_client' });
  });

  it('refreshes an expired access token by itself, then answers invalid_grant once the grant is revoked', async () => {
    const { auth, gmail, tokens } = await connect(standIn, 'alice@engage.test');
    await control(standIn, '/tokens/expire-access', { email: 'alice@engage.test' });
    // The library (forceRefreshOnFailure) sees a 401, refreshes with the refresh token and retries the call.
    const profile = await gmail.users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe('alice@engage.test');
    expect(auth.credentials.access_token).not.toBe(tokens.access_token);

    // Past its expiry date, the library refreshes before calling at all.
    auth.setCredentials({ ...auth.credentials, expiry_date: Date.now() - 1000 });
    const before = auth.credentials.access_token;
    await gmail.users.getProfile({ userId: 'me' });
    expect(auth.credentials.access_token).not.toBe(before);

    expect(await control(standIn, '/tokens/revoke', { refreshToken: tokens.refresh_token })).toEqual({ ended: 1 });
    const revoked = await errorOf(auth.refreshAccessToken());
    expect(revoked.status).toBe(400);
    expect(revoked.response?.data).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const call = await errorOf(gmail.users.getProfile({ userId: 'me' }));
    expect([400, 401]).toContain(call.status);
  });

  it('revokes through the revoke endpoint (revokeCredentials) and expires a grant by control call', async () => {
    const first = await connect(standIn, 'bob@engage.test');
    await first.auth.revokeCredentials();
    const afterRevoke = await errorOf(refreshWith(first.tokens.refresh_token!));
    expect(afterRevoke.response?.data).toMatchObject({ error: 'invalid_grant' });

    const second = await connect(standIn, 'bob@engage.test');
    expect(await control(standIn, '/tokens/expire', { email: 'bob@engage.test' })).toEqual({ ended: 1 });
    const expired = await errorOf(refreshWith(second.tokens.refresh_token!));
    expect(expired.response?.data).toMatchObject({ error: 'invalid_grant' });
  });

  it('consents as the scripted account when the URL has no login_hint, and reports a denial', async () => {
    const auth = client();
    const url = auth.generateAuthUrl({ access_type: 'offline', scope: [GMAIL_READONLY], state: 's-2' });
    const chooser = await fetch(url, { redirect: 'manual' });
    expect(chooser.status).toBe(200);
    expect(await chooser.text()).toContain('alice@engage.test');

    await control(standIn, '/consent', { email: 'erin@other.test' });
    const code = (await consent(url)).get('code')!;
    const { tokens } = await auth.getToken(code);
    expect((await auth.getTokenInfo(tokens.access_token!)).email).toBe('erin@other.test');

    await control(standIn, '/consent', { email: 'erin@other.test', deny: true });
    const denied = await consent(url);
    expect(denied.get('error')).toBe('access_denied');
    expect(denied.get('state')).toBe('s-2');
    expect(denied.get('code')).toBeNull();
  });
});
