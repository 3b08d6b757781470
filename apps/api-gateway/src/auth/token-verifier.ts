import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import {
  type AccessTokenClaims,
  AuthRedisKeys,
  Subjects,
  isRole,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { DomainError, UnauthorizedError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { AccessGate, type Budget, type GateCall, type GateResult, type RevocationCheck } from './access-gate';
import { JwksStore } from './jwks.store';

const NO_BUDGETS = (): readonly Budget[] => [];

/** The last segment of a JWT (its signature): the key of the verified-token cache. */
const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1);

/** A verified access token, and the gate call its requests make (kept per budget rule). */
interface RememberedToken extends Authentication {
  token: string;
  budgetsOf?: (principal: Principal) => readonly Budget[];
  call?: GateCall;
}

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
  verify(
    credential: string,
    ctx: RequestContext,
    budgetsOf: (principal: Principal) => readonly Budget[] = NO_BUDGETS,
  ): Promise<{ principal: Principal; gate: GateResult }> {
    // A token seen before costs one Redis call with arguments kept from its first request, and no
    // other await: this runs on every request.
    const known = this.remembered(credential);
    if (known) {
      if (known.budgetsOf !== budgetsOf) {
        known.budgetsOf = budgetsOf;
        known.call = this.gate.prepare(known.revocation, budgetsOf(known.principal));
      }
      return this.pass(known.principal, known.call!);
    }
    return this.authenticate(credential, ctx).then((a) => this.pass(a.principal, this.gate.prepare(a.revocation, budgetsOf(a.principal))));
  }

  /**
   * Verifies the credential's signature (or the API key) and names its principal, leaving the
   * revocation check to the caller (see verify).
   */
  async authenticate(credential: string, ctx: RequestContext): Promise<Authentication> {
    if (credential.startsWith(API_KEY_PREFIX)) return { principal: await this.verifyApiKey(credential, ctx), revocation: null };
    return this.remembered(credential) ?? this.verifySignature(credential);
  }

  private pass(principal: Principal, call: GateCall) {
    return this.gate.call(call).then((gate) => {
      if (gate.revoked) throw new UnauthorizedError('The access token has been revoked.');
      return { principal, gate };
    });
  }

  /**
   * Signature checks are the costliest step of a request; a token already verified is
   * remembered with its principal and revocation keys until it expires. Revocation is still
   * checked every time. The map is keyed by the token's signature (hashing it is cheaper than
   * hashing the whole token on every request), and a hit counts only if the whole token is the
   * same text. At most 10,000 tokens are remembered (least recently used go first), each until
   * it expires.
   */
  private readonly verified = new LRUCache<string, RememberedToken>({ max: 10_000 });

  private remembered(token: string): RememberedToken | undefined {
    const known = this.verified.get(signatureOf(token));
    return known && known.token === token ? known : undefined;
  }

  private async verifySignature(token: string): Promise<Authentication> {
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
    const authentication = {
      principal: { tenantId: claims.tid, userId: claims.sub, role: claims.role, apiKeyId: null },
      revocation: {
        jtiKey: AuthRedisKeys.revokedJti(claims.jti),
        userKey: AuthRedisKeys.revokedUserBefore(claims.sub),
        issuedAtMs: claims.iat_ms ?? claims.iat * 1000,
      },
    };
    this.verified.set(signatureOf(token), { ...authentication, token }, { ttl: Math.max(1, claims.exp * 1000 - Date.now()) });
    return authentication;
  }

  private async verifyApiKey(key: string, ctx: RequestContext): Promise<Principal> {
    const reply = await this.rpc.request(Subjects.user.apiKeys.verify, { key }, ctx, { timeoutMs: 3000 });
    return { tenantId: reply.tenant_id, userId: reply.user_id, role: reply.role, apiKeyId: reply.api_key_id };
  }
}
