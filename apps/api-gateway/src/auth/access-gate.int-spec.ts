import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { testEnv } from '@engage/testing';
import { AccessGate, type Budget } from './access-gate';

/**
 * The sliding-window budgets and revocation check of the gateway's one Redis call, on the real
 * Redis with a 2-second window so the tests can cross window boundaries.
 */
describe('AccessGate', () => {
  const redis = new Redis(testEnv.redisUrl());
  const WINDOW_S = 2;
  const gate = new AccessGate(redis, WINDOW_S);
  const budget = (limit: number): Budget => ({ key: `test-rlc:${randomUUID()}`, limit });
  const admitted = (b: Budget[]) => gate.pass(null, b).then((r) => r.admitted);
  /** Waits until `ms` into a window, by the Redis clock (which the script uses). */
  const untilWindowOffset = async (ms: number) => {
    const [s, us] = await redis.time();
    const offset = (Number(s) * 1000 + Math.floor(Number(us) / 1000)) % (WINDOW_S * 1000);
    await new Promise((r) => setTimeout(r, (ms - offset + WINDOW_S * 1000) % (WINDOW_S * 1000)));
  };
  /** The budget's window counters that still exist (`<key>:<window>`), oldest window first. */
  const counters = async (b: Budget) => (await redis.keys(`${b.key}:*`)).sort();
  const counts = async (b: Budget) => {
    const names = await counters(b);
    return names.length === 0 ? [] : (await redis.mget(names)).map(Number);
  };
  afterAll(() => redis.quit());

  it('admits the budget, then refuses with a wait, and does not count refusals', async () => {
    const b = budget(5);
    await untilWindowOffset(100);
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await gate.pass(null, [b]));
    expect(results.map((r) => r.admitted)).toEqual([true, true, true, true, true, false, false, false]);
    expect(results[4].budgets[0]).toMatchObject({ limit: 5, used: 5 });
    const wait = results[5].budgets[0].waitMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2 * WINDOW_S * 1000);
    expect(await counts(b)).toEqual([5]);
  });

  it('does not hand out a second budget across a window boundary (unlike a fixed window)', async () => {
    const b = budget(10);
    await untilWindowOffset(1700);
    for (let i = 0; i < 10; i++) expect(await admitted([b])).toBe(true);
    await untilWindowOffset(150);
    const after = [];
    for (let i = 0; i < 10; i++) after.push(await admitted([b]));
    // Just after the boundary nearly all of the previous window still counts.
    expect(after.filter(Boolean).length).toBeLessThanOrEqual(2);
  });

  it('admits again once the caller has waited as long as the refusal said', async () => {
    const b = budget(4);
    await untilWindowOffset(100);
    for (let i = 0; i < 4; i++) expect(await admitted([b])).toBe(true);
    const refused = await gate.pass(null, [b]);
    expect(refused.admitted).toBe(false);
    await new Promise((r) => setTimeout(r, refused.budgets[0].waitMs + 50));
    expect(await admitted([b])).toBe(true);
  });

  it('charges every budget or none: a spent tenant budget does not use up the user budget', async () => {
    const user = budget(100);
    const tenant = budget(2);
    for (let i = 0; i < 2; i++) expect(await admitted([user, tenant])).toBe(true);
    const refused = await gate.pass(null, [user, tenant]);
    expect(refused.admitted).toBe(false);
    expect(refused.budgets.map((b) => b.used)).toEqual([3, 3]);
    expect(await counts(user)).toEqual([2]);
  });

  it('keeps at most two windows of counts, and lets an idle budget expire', async () => {
    const b = budget(100);
    // A window's counter lives two windows from its first request: the next window still weighs it.
    for (const offset of [100, 100, 300]) {
      await untilWindowOffset(offset);
      expect(await admitted([b])).toBe(true);
    }
    const names = await counters(b);
    expect(names).toHaveLength(2);
    for (const name of names) {
      const ttl = await redis.pttl(name);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2 * WINDOW_S * 1000);
    }
  });

  it('keeps budgets of different keys apart', async () => {
    const a = budget(1);
    const b = { ...a, key: `${a.key}-other` };
    expect(await admitted([a])).toBe(true);
    expect(await admitted([b])).toBe(true);
    expect(await admitted([a])).toBe(false);
  });

  it('refuses a token logged out by its jti or issued before its user was revoked, and charges nothing', async () => {
    const jtiKey = `test-revoked-jti:${randomUUID()}`;
    const userKey = `test-revoked-user:${randomUUID()}`;
    const b = budget(100);
    const issuedAtMs = Date.now();
    expect(await gate.pass({ jtiKey, userKey, issuedAtMs }, [b])).toMatchObject({ revoked: false, admitted: true });
    await redis.set(userKey, String(issuedAtMs - 1000), 'EX', 60); // revoked before this token: still good
    expect((await gate.pass({ jtiKey, userKey, issuedAtMs }, [b])).revoked).toBe(false);
    await redis.set(userKey, String(issuedAtMs), 'EX', 60);
    expect((await gate.pass({ jtiKey, userKey, issuedAtMs }, [b])).revoked).toBe(true);
    await redis.del(userKey);
    await redis.set(jtiKey, '1', 'EX', 60);
    expect((await gate.pass({ jtiKey, userKey, issuedAtMs }, [b])).revoked).toBe(true);
    expect(await counts(b)).toEqual([2]);
  });

  it('answers 503 when Redis cannot be reached', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    down.on('error', () => undefined);
    await expect(new AccessGate(down).pass(null, [budget(1)])).rejects.toMatchObject({ status: 503 });
    down.disconnect();
  });
});
