import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { errors as joseErrors, jwtVerify } from 'jose';
import {
  type AccessTokenClaims,
  AuthRedisKeys,
  IdentitySubjects,
  isRole,
  type VerifyApiKeyReply,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { DomainError, UnauthorizedError, UnavailableError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG, GATEWAY_REDIS } from '../infra/tokens';
import { JwksStore } from './jwks.store';

/** API keys are recognisable by their prefix, so they never go through JWT parsing. */
export const API_KEY_PREFIX = 'ek_';

export interface Principal {
  tenantId: string;
  userId: string;
  role: RequestContext['role'];
  apiKeyId: string | null;
}

/**
 * Turns a bearer credential into a principal: access tokens are verified locally (EdDSA, issuer,
 * expiry) and checked against the revocation keys in Redis; API keys are verified by user-service.
 */
@Injectable()
export class TokenVerifier {
  constructor(
    private readonly jwks: JwksStore,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async verify(credential: string, ctx: RequestContext): Promise<Principal> {
    if (credential.startsWith(API_KEY_PREFIX)) return this.verifyApiKey(credential, ctx);
    return this.verifyAccessToken(credential);
  }

  /**
   * Signature checks are the costliest step of a request; a token already verified is
   * remembered (by its full text) until it expires. Revocation is still checked every time.
   */
  private readonly verified = new Map<string, AccessTokenClaims>();

  private async verifyAccessToken(token: string): Promise<Principal> {
    let claims = this.verified.get(token);
    if (claims && claims.exp * 1000 <= Date.now()) {
      this.verified.delete(token);
      claims = undefined;
    }
    claims ??= await this.verifySignature(token);
    return this.checkRevocation(claims);
  }

  private async verifySignature(token: string): Promise<AccessTokenClaims> {
    let claims: AccessTokenClaims;
    try {
      const { payload } = await jwtVerify(token, this.jwks.resolver, {
        issuer: this.config.JWT_ISSUER,
        algorithms: ['EdDSA'],
        clockTolerance: 5,
        requiredClaims: ['sub', 'tid', 'role', 'jti', 'exp', 'iat'],
      });
      claims = payload as unknown as AccessTokenClaims;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new UnauthorizedError('The access token has expired.');
      if (error instanceof DomainError && error.status >= 500) throw error;
      throw new UnauthorizedError('The access token is not valid.');
    }
    if (!isRole(claims.role)) throw new UnauthorizedError('The access token is not valid.');
    if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, claims);
    return claims;
  }

  private async checkRevocation(claims: AccessTokenClaims): Promise<Principal> {
    // One round trip answers both questions: was this token logged out, and were all of this
    // user's tokens revoked after it was issued (deactivation, password reset, role change)?
    const [revokedJti, revokedBefore] = await this.redis
      .mget(AuthRedisKeys.revokedJti(claims.jti), AuthRedisKeys.revokedUserBefore(claims.sub))
      .catch(() => {
        // Without the revocation list a token cannot be trusted: refuse with 503, not 500.
        throw new UnavailableError('The session store');
      });
    if (revokedJti) throw new UnauthorizedError('The access token has been revoked.');
    if (revokedBefore && (claims.iat_ms ?? claims.iat * 1000) <= Number(revokedBefore)) throw new UnauthorizedError('The access token has been revoked.');
    return { tenantId: claims.tid, userId: claims.sub, role: claims.role, apiKeyId: null };
  }

  private async verifyApiKey(key: string, ctx: RequestContext): Promise<Principal> {
    const reply = await this.rpc.request<VerifyApiKeyReply>(IdentitySubjects.verifyApiKey, { key }, ctx, { timeoutMs: 3000 });
    return { tenantId: reply.tenant_id, userId: reply.user_id, role: reply.role, apiKeyId: reply.api_key_id };
  }
}
