import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from './context';

/** The grants a Voice SDK access token carries, as the SDK's AccessToken/VoiceGrant writes them. */
export interface VerifiedAccessToken {
  accountSid: string;
  apiKeySid: string;
  identity: string;
  expiresAt: number;
  voice?: { incoming?: { allow?: boolean }; outgoing?: { application_sid?: string; params?: Record<string, string> } };
}

export class AccessTokenError extends Error {}

const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/**
 * Checks a Twilio access token as Twilio does when a browser device connects: HS256 over the token
 * with the secret of the API key named in `iss`, the account in `sub`, not expired, with an identity.
 */
export function verifyAccessToken(token: string, keys: Map<string, ApiKey>, now = Date.now()): VerifiedAccessToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw new AccessTokenError('malformed token');
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decode(parts[0]);
    payload = decode(parts[1]);
  } catch {
    throw new AccessTokenError('malformed token');
  }
  if (header.alg !== 'HS256') throw new AccessTokenError('unsupported algorithm');
  const key = keys.get(String(payload.iss));
  if (!key) throw new AccessTokenError('unknown API key');
  const expected = createHmac('sha256', key.secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AccessTokenError('invalid signature');
  if (payload.sub !== key.accountSid) throw new AccessTokenError('account does not own the API key');
  const exp = Number(payload.exp);
  if (!Number.isFinite(exp) || exp * 1000 <= now) throw new AccessTokenError('token expired');
  const grants = (payload.grants ?? {}) as { identity?: string; voice?: VerifiedAccessToken['voice'] };
  if (!grants.identity) throw new AccessTokenError('token has no identity');
  return {
    accountSid: key.accountSid,
    apiKeySid: key.sid,
    identity: grants.identity,
    expiresAt: exp,
    voice: grants.voice,
  };
}
