import { randomToken } from '../crypto/secret-box';

/**
 * Opaque tokens that name their tenant: `<kind>_<tenant id hex>_<random>`. The tenant part lets
 * the service bind the right tenant before looking the token up (refresh, reset, API keys arrive
 * without any other context); the random part is 256 bits and only its hash is stored.
 */
export type TokenKind = 'rt' | 'pr' | 'ek';

export const issueScopedToken = (kind: TokenKind, tenantId: string): string =>
  `${kind}_${tenantId.replace(/-/g, '')}_${randomToken(32)}`;

export function tenantOfScopedToken(kind: TokenKind, token: string): string | null {
  const match = new RegExp(`^${kind}_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$`).exec(token);
  if (!match) return null;
  const h = match[1];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
