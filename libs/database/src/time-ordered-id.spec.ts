import { timeOrderedId } from './time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('timeOrderedId', () => {
  afterEach(() => jest.useRealTimers());

  it('is a version 7 UUID carrying the time in milliseconds', () => {
    const at = Date.UTC(2026, 10, 21, 12, 0, 0, 123);
    jest.useFakeTimers({ now: at });
    const id = timeOrderedId();
    expect(id).toMatch(UUID_V7);
    expect(msOf(id)).toBeGreaterThanOrEqual(at);
  });

  it('only increases, within a millisecond and past the end of its sequence', () => {
    jest.useFakeTimers({ now: Date.now() + 60_000 });
    const ids = Array.from({ length: 10_000 }, () => timeOrderedId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not go back when the clock does', () => {
    jest.useFakeTimers({ now: Date.now() + 120_000 });
    const first = timeOrderedId();
    jest.setSystemTime(Date.now() - 100_000);
    expect(timeOrderedId() > first).toBe(true);
  });
});
