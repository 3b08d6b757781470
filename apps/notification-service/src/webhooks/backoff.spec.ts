import { nextDelayMs, parseRetryAfter, verdictOf } from './backoff';

const SCHEDULE = [5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000];

describe('webhook back-off', () => {
  it('follows the schedule over about a day and a half, then gives up', () => {
    const mid = () => 0.5;
    expect(SCHEDULE.map((_, step) => nextDelayMs(SCHEDULE, step, null, mid))).toEqual(SCHEDULE);
    expect(nextDelayMs(SCHEDULE, SCHEDULE.length, null, mid)).toBeNull();
    const total = SCHEDULE.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(36);
  });

  it('jitters each delay within ±20 %', () => {
    expect(nextDelayMs(SCHEDULE, 1, null, () => 0)).toBe(240_000);
    expect(nextDelayMs(SCHEDULE, 1, null, () => 1)).toBe(360_000);
    for (let i = 0; i < 100; i++) {
      const d = nextDelayMs(SCHEDULE, 0) as number;
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(6000);
    }
  });

  it('waits as long as Retry-After asks when that is longer (at most a day)', () => {
    expect(nextDelayMs(SCHEDULE, 0, 60_000, () => 0.5)).toBe(60_000);
    expect(nextDelayMs(SCHEDULE, 1, 60_000, () => 0.5)).toBe(300_000);
    expect(nextDelayMs(SCHEDULE, 0, 10 * 86_400_000, () => 0.5)).toBe(86_400_000);
    expect(nextDelayMs(SCHEDULE, 7, 60_000)).toBeNull();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it.each([
    [200, 'succeeded'],
    [204, 'succeeded'],
    [null, 'retry'],
    [408, 'retry'],
    [409, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [301, 'final'],
    [400, 'final'],
    [401, 'final'],
    [404, 'final'],
    [410, 'final'],
    [422, 'final'],
  ])('status %s → %s', (status, verdict) => {
    expect(verdictOf(status)).toBe(verdict);
  });
});
