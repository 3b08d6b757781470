import { Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TTL_S } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { Revocations } from './revocations';
import { type RefreshTokenRow, TokensRepository } from './tokens.repository';

/**
 * A refresh family is one sign-in: the refresh tokens descended from one login, each issued with
 * an access token. Ending the family (a spent token used again, logout) ends all of it: its
 * refresh tokens in the database, and the access tokens it issued that may still be alive,
 * denylisted by id in Redis where the gateway checks every request.
 */
@Injectable()
export class RefreshFamilies {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly revocations: Revocations,
  ) {}

  /**
   * The refresh token's row, locked after its family (always in that order, so a refresh and a
   * revocation of the same family wait for each other instead of deadlocking). While the family
   * is locked no successor can be issued behind a revocation's back.
   */
  async lockToken(tx: Tx, tenantId: string, tokenHash: string): Promise<RefreshTokenRow | null> {
    const found = await this.tokens.findRefresh(tx, tenantId, tokenHash);
    if (!found) return null;
    await this.tokens.lockFamily(tx, tenantId, found.familyId);
    return this.tokens.findRefreshForUpdate(tx, tenantId, tokenHash);
  }

  /**
   * Revokes the family; call with it locked (lockToken). The access tokens are denylisted before
   * the transaction commits: if Redis cannot be written the request fails and nothing is
   * revoked, rather than the refresh tokens dying while their access tokens live on.
   */
  async revoke(tx: Tx, tenantId: string, familyId: string): Promise<void> {
    const live = await this.tokens.revokeFamily(tx, tenantId, familyId, ACCESS_TOKEN_TTL_S);
    await this.revocations.revokeAccessTokens(live);
  }
}
