import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@engage/errors';
import { REDIS } from '@engage/service-runtime';
import { sha256 } from '../crypto/secret-box';

const MAX_FAILURES = 5;
const WINDOW_S = 15 * 60;

/**
 * Five failed logins per 15 minutes per account and client address, then 429 with Retry-After
 * until the window passes. Keys hold a hash, never the email. A successful login clears them.
 */
@Injectable()
export class LoginThrottle {
  private readonly limiter: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'auth:login-fail',
      points: MAX_FAILURES,
      duration: WINDOW_S,
      blockDuration: WINDOW_S,
    });
  }

  private key(tenant: string, email: string, ip: string) {
    return sha256(`${tenant.toLowerCase()}|${email.toLowerCase()}|${ip}`);
  }

  /** Refuses the attempt outright while the account+IP is blocked. */
  async assertAllowed(tenant: string, email: string, ip: string): Promise<void> {
    const state = await this.limiter.get(this.key(tenant, email, ip));
    if (state && state.consumedPoints >= MAX_FAILURES) {
      throw new RateLimitedError(Math.ceil(state.msBeforeNext / 1000), 'Too many failed sign-in attempts; try again later.');
    }
  }

  async recordFailure(tenant: string, email: string, ip: string): Promise<void> {
    await this.limiter.consume(this.key(tenant, email, ip)).catch((result: unknown) => {
      if (!(result instanceof RateLimiterRes)) throw result;
    });
  }

  async clear(tenant: string, email: string, ip: string): Promise<void> {
    await this.limiter.delete(this.key(tenant, email, ip));
  }
}
