import { timeOrderedId } from './time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a version 7 UUID carrying the time in milliseconds', () => {
    const at = Date.UTC(2026, 10, 21, 12, 0, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBeGreaterThanOrEqual(at);
  });

  it('only increases, within a millisecond and past the end of its sequence', () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 10_000 }, () => timeOrderedId(at));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not go back when the clock does', () => {
    const first = timeOrderedId(Date.now() + 120_000);
    const later = timeOrderedId(Date.now());
    expect(later > first).toBe(true);
  });
});
