import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface NormalisedPhone {
  number: string;
  country: string | null;
  /** National significant number: the digits people type when they search. */
  nationalDigits: string;
}

/**
 * A phone number in E.164, or null when it is not a valid number. National formats need a region
 * (the phone's own `country`, else the default one).
 */
export function normalisePhone(input: string, defaultCountry?: string | null): NormalisedPhone | null {
  const text = input.trim();
  if (!text || text.length > 40) return null;
  const region = defaultCountry && /^[A-Z]{2}$/.test(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(text, region);
  } catch {
    return null;
  }
  if (!parsed || !parsed.isValid()) return null;
  return { number: parsed.number, country: parsed.country ?? null, nationalDigits: String(parsed.nationalNumber) };
}
