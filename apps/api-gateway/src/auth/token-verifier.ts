import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify } from 'jose';
import {
  type AccessTokenClaims,
  AuthRedisKeys,
  IdentitySubjects,
  isRole,
  type VerifyApiKeyReply,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { DomainError, UnauthorizedError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { AccessGate, type Budget, type GateResult, type RevocationCheck } from './access-gate';
import { JwksStore } from './jwks.store';

/** API keys are recognisable by their prefix, so they never go through JWT parsing. */
export const API_KEY_PREFIX = 'ek_';

export interface Principal {
  tenantId: string;
  userId: string;
  role: RequestContext['role'];
  apiKeyId: string | null;
}

/** Who a credential names, and for an access token the revocation keys still to check. */
export interface Authentication {
  principal: Principal;
  /** Null for API keys: user-service checked the key itself. */
  revocation: RevocationCheck | null;
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
    @Inject(AccessGate) private readonly gate: AccessGate,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Verifies `credential` completely: its signature (or the API key), then revocation, which is
   * read by the same Redis call that charges the budgets `budgetsOf` names for its principal
   * (none by default). A revoked token is refused and charged nothing.
   */
  async verify(
    credential: string,
    ctx: RequestContext,
    budgetsOf: (principal: Principal) => readonly Budget[] = () => [],
  ): Promise<{ principal: Principal; gate: GateResult }> {
    const { principal, revocation } = await this.authenticate(credential, ctx);
    const gate = await this.gate.pass(revocation, budgetsOf(principal));
    if (gate.revoked) throw new UnauthorizedError('The access token has been revoked.');
    return { principal, gate };
  }

  /**
   * Verifies the credential's signature (or the API key) and names its principal, leaving the
   * revocation check to the caller (see verify).
   */
  async authenticate(credential: string, ctx: RequestContext): Promise<Authentication> {
    if (credential.startsWith(API_KEY_PREFIX)) return { principal: await this.verifyApiKey(credential, ctx), revocation: null };
    const claims = await this.verifiedClaims(credential);
    return {
      principal: { tenantId: claims.tid, userId: claims.sub, role: claims.role, apiKeyId: null },
      revocation: {
        jtiKey: AuthRedisKeys.revokedJti(claims.jti),
        userKey: AuthRedisKeys.revokedUserBefore(claims.sub),
        issuedAtMs: claims.iat_ms ?? claims.iat * 1000,
      },
    };
  }

  /**
   * Signature checks are the costliest step of a request; a token already verified is
   * remembered (by its full text) until it expires. Revocation is still checked every time.
   */
  private readonly verified = new Map<string, AccessTokenClaims>();

  private async verifiedClaims(token: string): Promise<AccessTokenClaims> {
    const claims = this.verified.get(token);
    if (claims && claims.exp * 1000 > Date.now()) return claims;
    if (claims) this.verified.delete(token);
    return this.verifySignature(token);
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

  private async verifyApiKey(key: string, ctx: RequestContext): Promise<Principal> {
    const reply = await this.rpc.request<VerifyApiKeyReply>(IdentitySubjects.verifyApiKey, { key }, ctx, { timeoutMs: 3000 });
    return { tenantId: reply.tenant_id, userId: reply.user_id, role: reply.role, apiKeyId: reply.api_key_id };
  }
}
