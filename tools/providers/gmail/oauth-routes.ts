/**
 * Google's OAuth endpoints at the paths `google-auth-library` uses (point its `endpoints` at the
 * stand-in): the consent screen, `/token`, `/revoke`, `/tokeninfo` and OpenID userinfo.
 */
import type { GmailContext, RouteRequest } from './context';
import { AUTH_PATH, REVOKE_PATH, TOKEN_INFO_PATH, TOKEN_PATH, USERINFO_PATHS } from './constants';
import { bearerToken, OAuthError, parseParams, readBody, sendJson } from './http';
import { subjectOf } from './oauth';

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decodeURIComponent(decoded.slice(0, colon)), password: decodeURIComponent(decoded.slice(colon + 1)) };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Without `login_hint` or a scripted consent, a browser gets an account chooser linking back here. */
function chooserPage(ctx: GmailContext, query: URLSearchParams): string {
  const links = [...ctx.store.mailboxes.keys()].map((email) => {
    const next = new URLSearchParams(query);
    next.set('login_hint', email);
    return `<li><a href="${escapeHtml(`${AUTH_PATH}?${next.toString()}`)}">${escapeHtml(email)}</a></li>`;
  });
  return `<!doctype html><title>Choose an account — Gmail stand-in</title><h1>Choose an account</h1><p>to continue to Engage (scopes: ${escapeHtml(query.get('scope') ?? '')})</p><ul>${links.join('')}</ul>`;
}

/** Answers an OAuth path; false when the path is not one of them. */
export async function handleOAuth(ctx: GmailContext, request: RouteRequest): Promise<boolean> {
  const { req, res, method, path, query } = request;
  const now = ctx.now();
  if (path === AUTH_PATH && method === 'GET') {
    const result = ctx.oauth.authorize(query, new Set(ctx.store.mailboxes.keys()), now);
    if (result) res.writeHead(302, { location: result.redirect }).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(chooserPage(ctx, query));
    return true;
  }
  if (path === TOKEN_PATH && method === 'POST') {
    const params = parseParams(req, await readBody(req));
    sendJson(res, 200, ctx.oauth.exchange(params, basicCredentials(req.headers.authorization), now), { 'cache-control': 'no-store' });
    return true;
  }
  if (path === REVOKE_PATH && (method === 'POST' || method === 'GET')) {
    const body = method === 'POST' ? parseParams(req, await readBody(req)) : new URLSearchParams();
    ctx.oauth.revoke(query.get('token') ?? body.get('token'));
    sendJson(res, 200, {});
    return true;
  }
  if (path === TOKEN_INFO_PATH && (method === 'POST' || method === 'GET')) {
    const body = method === 'POST' ? parseParams(req, await readBody(req)) : new URLSearchParams();
    sendJson(res, 200, ctx.oauth.tokenInfo(body.get('access_token') ?? bearerToken(req, query), now));
    return true;
  }
  if ((USERINFO_PATHS as readonly string[]).includes(path) && method === 'GET') {
    const auth = ctx.oauth.authenticate(bearerToken(req, query), now);
    const mailbox = ctx.store.mailbox(auth.email);
    sendJson(res, 200, { sub: subjectOf(auth.email), email: auth.email, email_verified: true, name: mailbox.name ?? auth.email });
    return true;
  }
  if ([AUTH_PATH, TOKEN_PATH, REVOKE_PATH, TOKEN_INFO_PATH, ...USERINFO_PATHS].includes(path)) {
    throw new OAuthError(405, 'invalid_request', `Method ${method} is not allowed on ${path}`);
  }
  return false;
}
