import { randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Twilio's API version, part of every path and of every callback (`ApiVersion`). */
export const API_VERSION = '2010-04-01';

/** A Twilio-shaped SID: a two-letter resource prefix and 32 hex digits (CA…, SM…, RE…, PN…). */
export function newSid(prefix: 'AC' | 'CA' | 'SM' | 'RE' | 'PN' | 'SK' | 'AP'): string {
  return prefix + randomBytes(16).toString('hex');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** Twilio's resource and callback timestamps are RFC 2822 in UTC: `Tue, 04 Mar 2025 10:00:00 +0000`. */
export function rfc2822(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

export const rfc2822OrNull = (date: Date | undefined): string | null => (date ? rfc2822(date) : null);

/** Whether Twilio would dial this: an E.164 number libphonenumber considers possible, or a `client:` identity. */
export function isDialable(to: string): boolean {
  if (to.startsWith('client:')) return to.length > 'client:'.length;
  if (!/^\+[1-9]\d{6,14}$/.test(to)) return false;
  return parsePhoneNumberFromString(to)?.isPossible() ?? false;
}

/** The number's last four digits, which script the outcome (see README). */
export function lastFour(number: string): string {
  const digits = number.replace(/\D/g, '');
  return digits.slice(-4).padStart(4, '0');
}

/** The country of an E.164 number, as Twilio fills `ToCountry`/`FromCountry`. */
export function countryOf(number: string): string {
  return parsePhoneNumberFromString(number)?.country ?? '';
}
