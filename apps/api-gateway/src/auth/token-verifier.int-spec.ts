import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createLocalJWKSet, SignJWT, type JWK } from 'jose';
import { AuthRedisKeys } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import type { RpcClient } from '@engage/messaging';
import { testEnv } from '@engage/testing';
import type { GatewayConfig } from '../config';
import type { JwksStore } from './jwks.store';
import { AccessGate } from './access-gate';
import { TokenVerifier } from './token-verifier';

/**
 * Access-token verification with a key pair made here (so tokens of any shape can be signed)
 * and the real Redis for revocation.
 */
describe('TokenVerifier', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA' };
  const jwks = { resolver: createLocalJWKSet({ keys: [jwk] }) } as unknown as JwksStore;
  const redis = new Redis(testEnv.redisUrl());
  const gate = new AccessGate(redis);
  const verifier = new TokenVerifier(jwks, {} as RpcClient, gate, { JWT_ISSUER: 'engage' } as GatewayConfig);
  afterAll(() => redis.quit());

  const sign = (overrides: { exp?: number; iss?: string; role?: string; sub?: string } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tid: randomUUID(), role: overrides.role ?? 'rep', iat_ms: Date.now() })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(overrides.sub ?? randomUUID())
      .setJti(randomUUID())
      .setIssuer(overrides.iss ?? 'engage')
      .setIssuedAt(now)
      .setExpirationTime(overrides.exp ?? now + 900)
      .sign(privateKey);
  };
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof DomainError ? `${e.status} ${e.message}` : String(e)));

  it('accepts a valid token and returns its principal', async () => {
    const { principal } = await verifier.verify(await sign({ role: 'manager' }), systemContext());
    expect(principal.role).toBe('manager');
  });

  it('refuses an expired token', async () => {
    const token = await sign({ exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await codeOf(verifier.verify(token, systemContext()))).toBe('401 The access token has expired.');
  });

  it('refuses another issuer and an unknown role', async () => {
    expect(await codeOf(verifier.verify(await sign({ iss: 'someone-else' }), systemContext()))).toMatch(/^401/);
    expect(await codeOf(verifier.verify(await sign({ role: 'owner' }), systemContext()))).toMatch(/^401/);
  });

  it('refuses a user’s tokens issued before their revocation, even once cached', async () => {
    const sub = randomUUID();
    const token = await sign({ sub });
    expect(await codeOf(verifier.verify(token, systemContext()))).toBe('ok');
    await redis.set(AuthRedisKeys.revokedUserBefore(sub), String(Date.now() + 1), 'EX', 60);
    expect(await codeOf(verifier.verify(token, systemContext()))).toBe('401 The access token has been revoked.');
  });

  it('checks revocation and charges budgets in one gate call; a revoked token is charged nothing', async () => {
    const sub = randomUUID();
    const { principal, revocation } = await verifier.authenticate(await sign({ sub }), systemContext());
    expect(principal.userId).toBe(sub);
    const budget = { key: `test-rlc:${randomUUID()}`, limit: 100 };
    const first = await gate.pass(revocation, [budget]);
    expect(first).toMatchObject({ revoked: false, admitted: true, budgets: [{ limit: 100, used: 1 }] });
    await redis.set(AuthRedisKeys.revokedUserBefore(sub), String(Date.now() + 1), 'EX', 60);
    expect(await gate.pass(revocation, [budget])).toMatchObject({ revoked: true });
    const counters = await redis.keys(`${budget.key}:*`);
    expect((await redis.mget(counters)).map(Number)).toEqual([1]);
  });
});
