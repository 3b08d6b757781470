import type { ComplianceRefusal, ContactChannel } from '@engage/contracts';
import { MAX_SCRUB_AGE_DAYS, type NationalDncState } from '../registry/national-dnc-status';
import { zonesOutsideCallingHours } from './quiet-hours';

/** The latest consent row for a number and channel (the one that decides), if any. */
export interface LatestConsent {
  status: 'granted' | 'revoked';
  expires_at: Date | null;
}

/** Everything the gate decides on, gathered by ComplianceGate inside the caller's transaction. */
export interface GateFacts {
  phone: string;
  channel: ContactChannel;
  telephonyEnabled: boolean;
  onInternalDnc: boolean;
  national: NationalDncState;
  consent: LatestConsent | null;
  /** The recipient's candidate time zones (the contact's own, else every zone of the number's region). */
  zones: readonly string[];
  /** Attempts in the 24 hours before `now`, to this number and by the whole tenant. */
  attempts: { number: number; tenant: number };
  caps: { per_number_daily_cap: number; tenant_daily_cap: number };
}

export interface GateRefusal {
  code: ComplianceRefusal;
  message: string;
  details: Record<string, unknown>;
}

/**
 * The compliance decision for one outbound call or text (SPEC sections 4 and 5), as a pure
 * function of the facts and the time: null when it may go, otherwise the first rule it breaks,
 * in this order: the module is on; the number is on no Do-Not-Call list (the tenant's, then the
 * national registry, which must also have been scrubbed within 31 days); a valid consent of the
 * channel's type; 08:00–21:00 in every zone the recipient may be in; and under the per-number and
 * per-tenant caps of the last 24 hours.
 */
export function decideContact(f: GateFacts, now: Date): GateRefusal | null {
  const phone = f.phone;
  if (!f.telephonyEnabled) return { code: 'module_not_enabled', message: 'Telephony is not enabled for this account.', details: { module: 'telephony' } };
  if (f.onInternalDnc) return { code: 'do_not_call', message: 'The number is on the Do-Not-Call list.', details: { phone } };
  if (f.national.status === 'listed') {
    return { code: 'do_not_call', message: 'The number is on the national Do-Not-Call registry.', details: { phone, list: 'national', list_date: f.national.list_date } };
  }
  if (f.national.scrub_required && f.national.stale) {
    const message = f.national.list_date
      ? `The number was last checked against the national Do-Not-Call registry on ${f.national.list_date}, more than ${MAX_SCRUB_AGE_DAYS} days ago.`
      : 'No national Do-Not-Call list loaded here covers this number, so it cannot be checked.';
    return { code: 'dnc_scrub_stale', message, details: { phone, scrubbed_at: f.national.list_date, max_age_days: MAX_SCRUB_AGE_DAYS } };
  }
  const consented = f.consent?.status === 'granted' && (f.consent.expires_at === null || f.consent.expires_at > now);
  if (!consented) return { code: 'no_consent', message: `There is no valid ${f.channel} consent for this number.`, details: { phone, type: f.channel } };
  if (f.zones.length === 0) {
    return { code: 'quiet_hours', message: 'The recipient’s local time is unknown, so calling hours cannot be confirmed.', details: { phone, zones: [] } };
  }
  const outside = zonesOutsideCallingHours(f.zones, now);
  if (outside.length > 0) return { code: 'quiet_hours', message: 'It is outside 08:00–21:00 where the recipient is.', details: { phone, outside } };
  if (f.attempts.number >= f.caps.per_number_daily_cap) {
    return {
      code: 'frequency_cap',
      message: 'This number was contacted as often as allowed in the last 24 hours.',
      details: { phone, cap: f.caps.per_number_daily_cap, scope: 'number' },
    };
  }
  if (f.attempts.tenant >= f.caps.tenant_daily_cap) {
    return { code: 'frequency_cap', message: 'The account placed as many calls and texts as allowed in the last 24 hours.', details: { cap: f.caps.tenant_daily_cap, scope: 'tenant' } };
  }
  return null;
}
