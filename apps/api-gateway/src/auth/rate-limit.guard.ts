import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError, UnavailableError } from '@engage/errors';
import type { GatewayConfig } from '../config';
import { getRequestContext } from '../http/request-context';
import { GATEWAY_CONFIG, GATEWAY_REDIS } from '../infra/tokens';

interface Limit {
  limiter: RateLimiterRedis;
  key: string;
}

/**
 * Per-IP, per-user and per-tenant request budgets in Redis (shared by every gateway replica),
 * with the standard RateLimit-* headers, and 429 + Retry-After once a budget is spent. Runs
 * after authentication so it knows the user and tenant.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly ip: RateLimiterRedis;
  private readonly user: RateLimiterRedis;
  private readonly tenant: RateLimiterRedis;

  constructor(@Inject(GATEWAY_REDIS) redis: Redis, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    const make = (keyPrefix: string, points: number) => new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: 60 });
    this.ip = make('rl:ip', config.RATE_LIMIT_IP_PER_MIN);
    this.user = make('rl:user', config.RATE_LIMIT_USER_PER_MIN);
    this.tenant = make('rl:tenant', config.RATE_LIMIT_TENANT_PER_MIN);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const ctx = getRequestContext(req);
    // Signed-in callers are budgeted per user and per tenant (many users share an office IP);
    // anonymous ones per IP.
    const limits: Limit[] =
      ctx?.userId && ctx.tenantId
        ? [
            { limiter: this.user, key: ctx.userId },
            { limiter: this.tenant, key: ctx.tenantId },
          ]
        : [{ limiter: this.ip, key: req.ip }];
    const results = await Promise.all(
      limits.map(({ limiter, key }) =>
        limiter.consume(key).catch((result: unknown) => {
          if (result instanceof RateLimiterRes) return result;
          throw new UnavailableError('The rate-limit store');
        }),
      ),
    );
    // Report the budget closest to running out.
    let tightest = 0;
    results.forEach((r, i) => {
      if (r.remainingPoints / limits[i].limiter.points < results[tightest].remainingPoints / limits[tightest].limiter.points) tightest = i;
    });
    const r = results[tightest];
    const resetS = Math.ceil(r.msBeforeNext / 1000);
    void reply.header('RateLimit-Limit', String(limits[tightest].limiter.points));
    void reply.header('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
    void reply.header('RateLimit-Reset', String(resetS));
    const exceeded = results.find((x, i) => x.consumedPoints > limits[i].limiter.points);
    if (exceeded) throw new RateLimitedError(Math.max(1, Math.ceil(exceeded.msBeforeNext / 1000)));
    return true;
  }
}
