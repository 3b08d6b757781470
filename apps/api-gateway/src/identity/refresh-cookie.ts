import type { FastifyReply, FastifyRequest } from 'fastify';
import { REFRESH_TOKEN_TTL_S, type TokenPairView } from '@engage/contracts';

export const REFRESH_COOKIE = 'engage_refresh';

/** Browsers say so with `X-Engage-Client: browser`; they get the refresh token only as a cookie. */
export const isBrowser = (req: FastifyRequest) => req.headers['x-engage-client'] === 'browser';

/**
 * For browser clients the refresh token leaves only as an httpOnly, Secure, SameSite=Strict
 * cookie scoped to the auth routes: page scripts can never read it. Mobile clients get it in the body.
 */
export function deliverTokens<T extends TokenPairView>(req: FastifyRequest, reply: FastifyReply, pair: T): T {
  if (!isBrowser(req) || !pair.refresh_token) return pair;
  void reply.setCookie(REFRESH_COOKIE, pair.refresh_token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: '/v1/auth',
    maxAge: REFRESH_TOKEN_TTL_S,
  });
  const { refresh_token: _hidden, ...rest } = pair;
  return rest as T;
}

export const refreshTokenFrom = (req: FastifyRequest, body?: string): string | undefined =>
  body ?? (req.cookies?.[REFRESH_COOKIE] as string | undefined);

export const clearRefreshCookie = (reply: FastifyReply) => void reply.clearCookie(REFRESH_COOKIE, { path: '/v1/auth' });
