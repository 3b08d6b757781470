import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ValidationError } from '@engage/errors';

export interface PhoneNumber {
  /** E.164, the one form numbers are stored and compared in. */
  e164: string;
  /** ISO 3166 region the number belongs to (US, CA, PR…), when libphonenumber knows it. */
  country: string | null;
  /** The national significant number (for North America the area code is its first three digits). */
  national: string;
}

/**
 * Parses and normalises a number: `+1 (415) 555-0100` and `+14155550100` are the same DNC entry and
 * the same consent. A number libphonenumber does not consider possible is a 400, never stored.
 */
export function normalisePhone(raw: string, field = 'phone'): PhoneNumber {
  const parsed = parsePhoneNumberFromString(raw.trim());
  if (!parsed || !parsed.isPossible()) {
    throw new ValidationError(`${field} is not a valid phone number.`, { fields: { [field]: [`${field} must be a valid E.164 phone number`] } });
  }
  return { e164: parsed.number, country: parsed.country ?? null, national: parsed.nationalNumber };
}
