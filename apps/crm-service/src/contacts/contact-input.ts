import { normaliseEmailForMatching, type PhoneInput, type PhoneView } from '@engage/contracts';
import { ValidationError } from '@engage/errors';
import { timezoneForPhone } from './country-timezones';
import { normalisePhone } from './phone-numbers';

/**
 * Trimmed and lower-cased as given, without repeats; two addresses that only look alike
 * (see normaliseEmailForMatching) count as one, the first kept.
 */
export function normaliseEmails(emails: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const email of emails) {
    const key = normaliseEmailForMatching(email);
    if (!byKey.has(key)) byKey.set(key, email.trim().toLowerCase());
  }
  return [...byKey.values()];
}

/**
 * Phones in E.164 with exactly one primary. An invalid number is a 400 naming the field
 * (`phones.<i>.number`), so a client can point at the input that is wrong.
 */
export function normalisePhones(phones: PhoneInput[], defaultCountry: string | null): PhoneView[] {
  const fields: Record<string, string[]> = {};
  const result: PhoneView[] = [];
  const seen = new Set<string>();
  phones.forEach((p, i) => {
    const parsed = normalisePhone(p.number, p.country ?? defaultCountry);
    if (!parsed) {
      fields[`phones.${i}.number`] = [p.country || p.number.trim().startsWith('+') ? 'is not a valid phone number' : 'is not a valid phone number (give it in E.164 or with a country)'];
      return;
    }
    if (seen.has(parsed.number)) return;
    seen.add(parsed.number);
    result.push({ number: parsed.number, label: p.label?.trim() || null, is_primary: p.is_primary === true, country: parsed.country });
  });
  if (phones.filter((p) => p.is_primary).length > 1) fields.phones = ['only one phone can be primary'];
  if (Object.keys(fields).length > 0) throw new ValidationError('Some phone numbers are not valid.', { fields });
  if (result.length > 0 && !result.some((p) => p.is_primary)) result[0].is_primary = true;
  return result;
}

export function assertTimezone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ValidationError('The request is not valid.', { fields: { timezone: ['must be an IANA time zone like Europe/Paris'] } });
  }
}

/** The zone of the primary phone, when the client gave none. */
export const derivedTimezone = (phones: PhoneView[]): string | null => {
  const primary = phones.find((p) => p.is_primary) ?? phones[0];
  return primary ? timezoneForPhone(primary.number, primary.country) : null;
};

/**
 * Duplicate-detection keys of a contact's emails and phones. An email's key is its matching form,
 * so look-alike addresses (full-width, Cyrillic letters, invisible characters, NFD) collide.
 */
export const channelKeys = (emails: string[], phones: PhoneView[]): string[] => [
  ...emails.map((e) => `e:${normaliseEmailForMatching(e)}`),
  ...phones.map((p) => `p:${p.number}`),
];
