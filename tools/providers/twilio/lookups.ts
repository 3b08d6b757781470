import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js';
import { lineTypeFor } from './scenarios';

const CARRIERS: Record<string, string> = {
  mobile: 'Stand-in Wireless',
  landline: 'Stand-in Telephone Company',
  nonFixedVoip: 'Stand-in VoIP',
  tollFree: 'Stand-in Toll Free',
};

/**
 * Lookup v2 (`GET https://lookups.twilio.com/v2/PhoneNumbers/{PhoneNumber}`): validity and formatting
 * from libphonenumber, and line type intelligence when asked in `Fields`, scripted by the number
 * (…0003 is a landline, …0007 a non-fixed VoIP line, +1800/+1888 toll free, anything else mobile).
 */
export function lookupPhoneNumber(raw: string, fields: string[], countryCode?: string): Record<string, unknown> {
  const parsed = parsePhoneNumberFromString(raw, (countryCode?.toUpperCase() as never) ?? undefined);
  const valid = parsed?.isValid() ?? false;
  const phoneNumber = parsed?.number ?? raw;
  const lengthError = parsed ? undefined : validatePhoneNumberLength(raw, countryCode?.toUpperCase() as never);
  const validationErrors = valid ? [] : [lengthError ?? 'INVALID_BUT_POSSIBLE'];
  const lineType = valid ? lineTypeFor(phoneNumber) : undefined;
  return {
    calling_country_code: parsed?.countryCallingCode ?? null,
    country_code: parsed?.country ?? null,
    phone_number: phoneNumber,
    national_format: parsed?.formatNational() ?? null,
    valid,
    validation_errors: validationErrors,
    caller_name: null,
    sim_swap: null,
    call_forwarding: null,
    line_status: null,
    line_type_intelligence:
      fields.includes('line_type_intelligence') && lineType
        ? {
            mobile_country_code: lineType === 'mobile' ? '310' : null,
            mobile_network_code: lineType === 'mobile' ? '456' : null,
            carrier_name: CARRIERS[lineType],
            type: lineType,
            error_code: null,
          }
        : null,
    identity_match: null,
    reassigned_number: null,
    sms_pumping_risk: null,
    phone_number_quality_score: null,
    pre_fill: null,
    url: `https://lookups.twilio.com/v2/PhoneNumbers/${encodeURIComponent(phoneNumber)}`,
  };
}
