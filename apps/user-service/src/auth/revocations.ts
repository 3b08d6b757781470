import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { ACCESS_TOKEN_TTL_S, AuthRedisKeys } from '@engage/contracts';
import { REDIS } from '@engage/service-runtime';

/**
 * Access tokens are verified by the gateway without asking us, so revocation is published in
 * Redis where the gateway checks it on every request: a logged-out token's id until it expires,
 * and, for a user whose tokens must all die (deactivation, password reset, role change), the
 * moment before which their tokens are void.
 */
@Injectable()
export class Revocations {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async revokeAccessToken(jti: string, expiresAtS: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(expiresAtS - Date.now() / 1000));
    await this.redis.set(AuthRedisKeys.revokedJti(jti), '1', 'EX', Math.min(ttl, ACCESS_TOKEN_TTL_S + 60));
  }

  /** Several access tokens at once (a revoked refresh family's), each until it expires. */
  async revokeAccessTokens(tokens: ReadonlyArray<{ jti: string; exp: number }>): Promise<void> {
    if (tokens.length === 0) return;
    const batch = this.redis.multi();
    for (const { jti, exp } of tokens) {
      const ttl = Math.max(1, Math.ceil(exp - Date.now() / 1000));
      batch.set(AuthRedisKeys.revokedJti(jti), '1', 'EX', Math.min(ttl, ACCESS_TOKEN_TTL_S + 60));
    }
    const replies = await batch.exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('revocation batch was not run');
  }

  async revokeAllAccessTokensOf(userId: string): Promise<void> {
    await this.redis.set(AuthRedisKeys.revokedUserBefore(userId), String(Date.now()), 'EX', ACCESS_TOKEN_TTL_S + 60);
  }
}
