import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { normaliseEmailForMatching } from '@engage/contracts';
import { RateLimitedError } from '@engage/errors';
import { REDIS } from '@engage/service-runtime';
import { sha256 } from '../crypto/secret-box';

const MAX_ATTEMPTS = 5;
const WINDOW_S = 15 * 60;

/**
 * Five sign-in attempts per 15 minutes per account and client address are judged; then 429 with
 * Retry-After until the window passes. An attempt takes its place with one atomic Redis INCR
 * (rate-limiter-flexible) before the password is checked, so twenty guesses sent at once are
 * counted one by one like twenty sent in turn: only five reach the password check, and a right
 * password arriving after them is refused too. A successful sign-in clears the count. Keys hold
 * a hash, never the email.
 */
@Injectable()
export class LoginThrottle {
  private readonly limiter: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'auth:login-fail',
      points: MAX_ATTEMPTS,
      duration: WINDOW_S,
      blockDuration: WINDOW_S,
    });
  }

  private key(tenant: string, email: string, ip: string) {
    // Normalised: look-alike spellings of one address share its count.
    return sha256(`${tenant.toLowerCase()}|${normaliseEmailForMatching(email)}|${ip}`);
  }

  /** Takes one of the window's attempts, or refuses (429) once they are used up. */
  async takeAttempt(tenant: string, email: string, ip: string): Promise<void> {
    try {
      await this.limiter.consume(this.key(tenant, email, ip));
    } catch (result: unknown) {
      if (!(result instanceof RateLimiterRes)) throw result;
      throw new RateLimitedError(Math.max(1, Math.ceil(result.msBeforeNext / 1000)), 'Too many failed sign-in attempts; try again later.');
    }
  }

  async clear(tenant: string, email: string, ip: string): Promise<void> {
    await this.limiter.delete(this.key(tenant, email, ip));
  }
}
