import { parsePhoneNumberFromString, type PhoneNumber as ParsedNumber } from 'libphonenumber-js/max';
import type { LineType } from '@engage/contracts';

/**
 * What the numbering plan itself says about a number: its region and line type. libphonenumber's
 * full metadata ("max") is needed for the line type; the rest of the service normalises with the
 * smaller default metadata. A number the plan cannot type (a fictional 555-01xx number, a new
 * range) has a null line type rather than a guess.
 */
export interface NumberFacts {
  country: string | null;
  line_type: LineType | null;
}

const LINE_TYPES: Record<string, LineType> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed_line',
  FIXED_LINE_OR_MOBILE: 'fixed_line_or_mobile',
  TOLL_FREE: 'toll_free',
  PREMIUM_RATE: 'premium_rate',
  SHARED_COST: 'shared_cost',
  VOIP: 'voip',
  PERSONAL_NUMBER: 'personal_number',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

/** Facts about an E.164 number; both null when libphonenumber cannot read it. */
export function numberFacts(e164: string): NumberFacts {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? factsOf(parsed) : { country: null, line_type: null };
}

/** Facts about a number libphonenumber (max metadata) has already parsed: the import parses each line once. */
export function factsOf(parsed: ParsedNumber): NumberFacts {
  const type = parsed.getType();
  return { country: parsed.country ?? null, line_type: type ? (LINE_TYPES[type] ?? null) : null };
}
