import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@engage/service-runtime';
import { randomToken, sha256 } from '../crypto/secret-box';

const CHALLENGE_TTL_S = 300;
/** Codes judged per sign-in step: a password alone never buys more guesses than this. */
export const MAX_MFA_GUESSES = 5;

export interface MfaChallenge {
  tenantId: string;
  userId: string;
  /** This guess's number (1 for the first), taken before the code is judged. */
  guess: number;
}

/**
 * The second sign-in step, between the password and the code: a 5-minute challenge in Redis
 * (`auth:mfa-challenge:<hash>`) and its guess counter (`…:guesses`). Every guess takes a number
 * with one INCR before its code is judged, so concurrent guesses cannot all be judged as the
 * first: the sixth and later are refused without looking at the code, whatever their timing.
 */
@Injectable()
export class MfaChallenges {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private key(token: string) {
    return `auth:mfa-challenge:${sha256(token)}`;
  }

  async open(tenantId: string, userId: string): Promise<string> {
    const token = randomToken(32);
    await this.redis.set(this.key(token), JSON.stringify({ tenantId, userId }), 'EX', CHALLENGE_TTL_S);
    return token;
  }

  /** The challenge and this guess's number, or null once it has expired or ended. */
  async takeGuess(token: string): Promise<MfaChallenge | null> {
    const key = this.key(token);
    const replies = await this.redis.multi().get(key).incr(`${key}:guesses`).expire(`${key}:guesses`, CHALLENGE_TTL_S).exec();
    const raw = replies?.[0]?.[1] as string | null | undefined;
    const guess = Number(replies?.[1]?.[1]);
    if (!raw || !Number.isInteger(guess)) return null;
    if (guess > MAX_MFA_GUESSES) {
      await this.end(token);
      return null;
    }
    return { ...(JSON.parse(raw) as { tenantId: string; userId: string }), guess };
  }

  /** Ends the step; true for the one caller that ended it (a right code signs in once). */
  async end(token: string): Promise<boolean> {
    const key = this.key(token);
    const [[, removed]] = (await this.redis.multi().del(key).del(`${key}:guesses`).exec()) as Array<[Error | null, number]>;
    return removed === 1;
  }
}
