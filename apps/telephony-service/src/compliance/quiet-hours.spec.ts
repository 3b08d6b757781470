import { normalisePhone } from './phone-number';
import { zonesOutsideCallingHours } from './quiet-hours';
import { recipientZones } from './recipient-zones';

/** The quiet-hours rule against a fixed clock: 08:00 ≤ local time < 21:00 in every zone the number may ring in. */
describe('quiet hours', () => {
  const allowed = (phone: string, iso: string, timezone?: string) => zonesOutsideCallingHours(recipientZones(normalisePhone(phone), timezone), new Date(iso)).length === 0;

  it.each([
    // San Francisco (415, Pacific; PST = UTC-8 in January)
    ['+14155550100', '2026-01-15T15:59:00Z', false], // 07:59
    ['+14155550100', '2026-01-15T16:00:00Z', true], // 08:00
    ['+14155550100', '2026-01-16T04:59:00Z', true], // 20:59
    ['+14155550100', '2026-01-16T05:00:00Z', false], // 21:00
    // New York (212; EDT = UTC-4 in July)
    ['+12125550100', '2026-07-01T12:00:00Z', true], // 08:00
    ['+12125550100', '2026-07-01T11:59:00Z', false],
    // London (BST = UTC+1 in July)
    ['+442071838750', '2026-07-01T06:59:00Z', false], // 07:59
    ['+442071838750', '2026-07-01T07:00:00Z', true],
    ['+442071838750', '2026-07-01T19:59:00Z', true], // 20:59
    ['+442071838750', '2026-07-01T20:00:00Z', false],
  ])('%s at %s is allowed: %s', (phone, iso, expected) => {
    expect(allowed(phone, iso)).toBe(expected);
  });

  it('for a US number whose area code is not known, requires calling hours from Hawaii to the East Coast', () => {
    // 555 is no geographic area code: every US zone applies. 18:00 UTC in January = 13:00 New York, 08:00 Honolulu.
    expect(recipientZones(normalisePhone('+15555550100'))).toContain('Pacific/Honolulu');
    expect(allowed('+15555550100', '2026-01-15T18:00:00Z')).toBe(true);
    expect(allowed('+15555550100', '2026-01-15T17:59:00Z')).toBe(false); // 07:59 in Honolulu
    expect(allowed('+15555550100', '2026-01-16T01:59:00Z')).toBe(true); // 20:59 New York, 15:59 Honolulu
    expect(allowed('+15555550100', '2026-01-16T02:00:00Z')).toBe(false); // 21:00 New York
  });

  it('uses the contact’s own timezone before the number’s region', () => {
    // A London number whose contact lives in Tokyo: 09:00 in Tokyo is 00:00 in London.
    expect(allowed('+442071838750', '2026-01-15T00:00:00Z', 'Asia/Tokyo')).toBe(true);
    expect(allowed('+442071838750', '2026-01-15T00:00:00Z')).toBe(false);
  });

  it('knows no zone for a number of an unknown region, so the gate can refuse instead of guessing', () => {
    expect(recipientZones({ e164: '+8823456789', country: null, national: '23456789' })).toEqual([]);
  });

  it('rejects numbers that are not possible phone numbers', () => {
    expect(() => normalisePhone('+1415')).toThrow('not a valid phone number');
    expect(() => normalisePhone('hello')).toThrow('not a valid phone number');
    expect(normalisePhone('+1 (415) 555-0100').e164).toBe('+14155550100');
  });
});
