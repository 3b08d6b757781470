import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { grantFor } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { ForbiddenError, InternalError, RateLimitedError, UnauthorizedError } from '@engage/errors';
import type { GatewayConfig } from '../config';
import { getRequestContext, setRequestContext } from '../http/request-context';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.decorator';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { AccessGate, type GateResult } from './access-gate';
import { BillingGate } from './billing-gate';
import { type Principal, TokenVerifier } from './token-verifier';

/**
 * Runs before every route. A route must declare its access (`@Public`, `@Operations`,
 * `@Authenticated` or `@RequirePermission`); one that declares nothing is refused, so a forgotten decorator fails
 * closed (and the route-table test names it).
 *
 * It also charges the caller's request budgets, with the standard RateLimit-* headers and 429 +
 * Retry-After once one is spent: per IP when anonymous; per user and per tenant once the caller
 * is known (many users of one company share an office IP; an API key counts for its creator).
 * For an access token the revocation check and the budgets are one Redis call (AccessGate).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limits: { ip: number; user: number; tenant: number };
  private readonly opsTokenDigest: Buffer | null;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(AccessGate) private readonly gate: AccessGate,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(BillingGate) private readonly billing: BillingGate,
  ) {
    this.limits = { ip: config.RATE_LIMIT_IP_PER_MIN, user: config.RATE_LIMIT_USER_PER_MIN, tenant: config.RATE_LIMIT_TENANT_PER_MIN };
    this.opsTokenDigest = config.OPS_TOKEN ? sha256(config.OPS_TOKEN) : null;
  }

  /** Compares digests in constant time; with no OPS_TOKEN configured nothing matches. */
  private isOpsToken(credential: string | null): boolean {
    if (!this.opsTokenDigest || credential === null) return false;
    return timingSafeEqual(sha256(credential), this.opsTokenDigest);
  }

  /** One function for the guard's lifetime: the verifier keeps each token's gate call per rule. */
  private readonly budgetsOf = (p: Principal) => [
    { key: budgetKey('user', p.userId), limit: this.limits.user },
    { key: budgetKey('tenant', p.tenantId), limit: this.limits.tenant },
  ];

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (!access) throw new InternalError();
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const base = getRequestContext(req);
    if (!base) throw new InternalError();
    if (access.kind === 'public' || access.kind === 'operations') {
      applyBudgets(reply, await this.gate.pass(null, [{ key: budgetKey('ip', req.ip), limit: this.limits.ip }]));
      if (access.kind === 'operations' && !this.isOpsToken(bearerCredential(req.headers.authorization))) throw new UnauthorizedError();
      return true;
    }

    const credential = bearerCredential(req.headers.authorization);
    if (!credential) throw new UnauthorizedError();
    const { principal, gate } = await this.verifier.verify(credential, base, this.budgetsOf);
    applyBudgets(reply, gate);
    const ctx: RequestContext = {
      ...base,
      tenantId: principal.tenantId,
      userId: principal.userId,
      role: principal.role,
      apiKeyId: principal.apiKeyId,
    };
    setRequestContext(req, ctx);
    if (access.kind === 'permission' && !grantFor(ctx.role, access.resource, access.action)) throw new ForbiddenError();
    await this.billing.assertWritable(req.method, req.routeOptions.url, principal.tenantId);
    return true;
  }
}

/** The credential of an `Authorization: Bearer <credential>` header (scheme case-insensitive), or null. */
export function bearerCredential(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length < 8 || header.slice(0, 6).toLowerCase() !== 'bearer') return null;
  const credential = header.slice(6).trimStart();
  if (credential.length === header.length - 6 || credential.length === 0) return null;
  if (credential.includes(' ') || credential.includes('\t')) return null;
  return credential;
}

/**
 * The Redis key prefix of one budget; each window's counter is `<prefix>:<window number>`.
 * (Earlier layouts, hashes under `rlw:` and fixed-window counters under `rl:`, expire on their own.)
 */
const budgetKey = (kind: 'ip' | 'user' | 'tenant', id: string) => `rlc:${kind}:${id}`;

/** Reports the budget closest to running out, and refuses the request if one is spent. */
function applyBudgets(reply: FastifyReply, gate: GateResult) {
  let tightest = gate.budgets[0];
  for (const b of gate.budgets) if ((b.limit - b.used) / b.limit < (tightest.limit - tightest.used) / tightest.limit) tightest = b;
  void reply.header('RateLimit-Limit', String(tightest.limit));
  void reply.header('RateLimit-Remaining', String(Math.max(0, tightest.limit - tightest.used)));
  void reply.header('RateLimit-Reset', String(Math.ceil(tightest.waitMs / 1000)));
  if (!gate.admitted) {
    const spent = gate.budgets.filter((b) => b.used > b.limit);
    const waitMs = Math.max(...spent.map((b) => b.waitMs));
    throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
