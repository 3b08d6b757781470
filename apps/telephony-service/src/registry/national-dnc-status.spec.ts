import { e164Prefixes, isScrubRequired, isScrubStale, nationalDncState } from './national-dnc-status';

const LIST = { id: '01a235ba-3a5e-72df-ac42-b2a891dd1527', list_date: '2026-01-01' };
const OLDER = '01a23000-0000-7000-8000-000000000000';

describe('national DNC status', () => {
  it('lists every prefix of a number, so a list may cover a country, an area code or a block', () => {
    expect(e164Prefixes('+14155')).toEqual(['+1', '+14', '+141', '+1415', '+14155']);
  });

  it.each([
    ['2026-02-01T00:00:00Z', false], // exactly 31 days
    ['2026-02-01T00:00:01Z', true],
    ['2026-01-15T12:00:00Z', false],
    ['2025-12-20T00:00:00Z', false], // a list dated after the clock is current
  ])('a list dated 2026-01-01 is stale at %s: %s', (now, stale) => {
    expect(isScrubStale('2026-01-01', new Date(now))).toBe(stale);
  });

  it('treats no scrub at all as stale', () => {
    expect(isScrubStale(null, new Date('2026-01-01T00:00:00Z'))).toBe(true);
  });

  it('requires a scrub for every North American number, and elsewhere only once a list covers the number', () => {
    expect(isScrubRequired('+14155550100', false)).toBe(true);
    expect(isScrubRequired('+442071838750', false)).toBe(false);
    expect(isScrubRequired('+442071838750', true)).toBe(true);
  });

  it('is unknown when no list covers the number, listed or clear as the deciding list says otherwise', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    expect(nationalDncState('+19075550100', null, null, now)).toEqual({ status: 'unknown', list_date: null, stale: true, scrub_required: true });
    expect(nationalDncState('+442071838750', null, null, now)).toEqual({ status: 'unknown', list_date: null, stale: true, scrub_required: false });
    // Covered, no row: clear as of the list's date.
    expect(nationalDncState('+14155550100', LIST, null, now)).toEqual({ status: 'clear', list_date: '2026-01-01', stale: false, scrub_required: true });
    expect(nationalDncState('+14155550100', LIST, { national_dnc_listed: true, national_dnc_list_id: LIST.id }, now)).toMatchObject({ status: 'listed' });
    expect(nationalDncState('+14155550100', LIST, { national_dnc_listed: false, national_dnc_list_id: LIST.id }, now)).toMatchObject({ status: 'clear' });
    // A mark left by a list that no longer decides the number does not count.
    expect(nationalDncState('+14155550100', LIST, { national_dnc_listed: true, national_dnc_list_id: OLDER }, now)).toMatchObject({ status: 'clear' });
    expect(nationalDncState('+14155550100', LIST, null, new Date('2026-03-01T00:00:00Z'))).toMatchObject({ status: 'clear', stale: true });
  });
});
