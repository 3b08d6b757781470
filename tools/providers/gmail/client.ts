/**
 * How the official libraries are pointed at the stand-in (or any Google-compatible base URL):
 * `OAuth2Client` takes its token/auth/revoke/tokeninfo URLs from `endpoints`, and
 * `gmail({version: 'v1', rootUrl})` sends every API call under `rootUrl`. Services keep their own
 * copy of these few lines (apps cannot import tools/); with real credentials they pass nothing.
 */
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client, type OAuth2ClientOptions } from 'google-auth-library';
import { AUTH_PATH, REVOKE_PATH, TOKEN_INFO_PATH, TOKEN_PATH } from './constants';

/** The `endpoints` option of OAuth2Client for a stand-in at `baseUrl`. */
export function standInOAuthEndpoints(baseUrl: string): NonNullable<OAuth2ClientOptions['endpoints']> {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    oauth2AuthBaseUrl: `${base}${AUTH_PATH}`,
    oauth2TokenUrl: `${base}${TOKEN_PATH}`,
    oauth2RevokeUrl: `${base}${REVOKE_PATH}`,
    tokenInfoUrl: `${base}${TOKEN_INFO_PATH}`,
  };
}

/**
 * An OAuth2Client talking to the stand-in. It uses Node's own `fetch`: gaxios otherwise loads
 * `node-fetch` with a dynamic `import()`, which Jest's CommonJS runtime refuses
 * ("A dynamic import callback was invoked without --experimental-vm-modules"); services that
 * test with Jest need the same `transporterOptions` against Google too.
 */
export function createStandInOAuth2Client(baseUrl: string, options: Omit<OAuth2ClientOptions, 'endpoints'>): OAuth2Client {
  return new OAuth2Client({
    ...options,
    transporterOptions: { fetchImplementation: fetch, ...options.transporterOptions },
    endpoints: standInOAuthEndpoints(baseUrl),
  });
}

/** A Gmail API client whose calls reach the stand-in, authorised by `auth` (it refreshes tokens itself). */
export function createStandInGmail(baseUrl: string, auth: OAuth2Client): gmail_v1.Gmail {
  return gmail({ version: 'v1', auth, rootUrl: `${baseUrl.replace(/\/+$/, '')}/` });
}
