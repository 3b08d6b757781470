import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { REFRESH_TOKEN_TTL_S, type TokenPairView } from '@engage/contracts';
import type { Tx } from '@engage/database';
import { sha256 } from '../crypto/secret-box';
import type { UserRow } from '../users/users.repository';
import { toUserView } from '../views';
import { issueScopedToken } from './scoped-token';
import { SigningKeysService } from './signing-keys.service';
import { TokensRepository } from './tokens.repository';

/** Issues an access token and a refresh token (new family, or the next of an existing one). */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly tokens: TokensRepository,
  ) {}

  async issue(tx: Tx, user: UserRow, familyId: string = randomUUID()): Promise<TokenPairView> {
    const refreshToken = issueScopedToken('rt', user.tenantId);
    const access = await this.keys.sign({ userId: user.id, tenantId: user.tenantId, role: user.role });
    await this.tokens.insertRefresh(tx, {
      tenantId: user.tenantId,
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_S * 1000),
      accessJti: access.jti,
    });
    return {
      access_token: access.token,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      user: toUserView(user),
    };
  }
}
