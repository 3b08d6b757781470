import type { NationalDncStatus } from '@engage/contracts';

/** A scrub against the national registry older than this is no scrub (SPEC section 4, `dnc_scrub_stale`). */
export const MAX_SCRUB_AGE_DAYS = 31;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The list that decides a number: the newest loaded list whose prefixes cover it. */
export interface DecidingList {
  id: string;
  /** YYYY-MM-DD */
  list_date: string;
}

/** What the registry row of a number says about its national status (null when the number has no row). */
export interface NationalDncMark {
  national_dnc_listed: boolean;
  national_dnc_list_id: string | null;
}

export interface NationalDncState {
  status: NationalDncStatus;
  /** The date of the deciding list (the scrub date); null when no list covers the number. */
  list_date: string | null;
  /** No scrub at all, or one older than {@link MAX_SCRUB_AGE_DAYS} days at `now`. */
  stale: boolean;
  /** Whether the gate needs this number scrubbed before it may be called or texted. */
  scrub_required: boolean;
}

/**
 * Every E.164 prefix of a number, shortest first (`+1`, `+14`, `+141`, … the number itself): the
 * keys a list's covered prefixes are matched against, whatever their length.
 */
export function e164Prefixes(e164: string): string[] {
  const prefixes: string[] = [];
  for (let end = 2; end <= e164.length; end++) prefixes.push(e164.slice(0, end));
  return prefixes;
}

/**
 * The national registry loaded here is North America's (country code 1: the US and Canadian
 * lists), so every +1 number must have been scrubbed. Elsewhere a number needs a scrub only once an
 * operator has loaded a list covering it; until then this rule does not apply to it.
 */
export function isScrubRequired(e164: string, covered: boolean): boolean {
  return e164.startsWith('+1') || covered;
}

/** A list dated D is current until 31 days after D (00:00 UTC); a list dated after `now` is current. */
export function isScrubStale(listDate: string | null, now: Date): boolean {
  if (listDate === null) return true;
  return now.getTime() - Date.parse(`${listDate}T00:00:00Z`) > MAX_SCRUB_AGE_DAYS * DAY_MS;
}

/**
 * The national status of a number: `unknown` when no loaded list covers it; otherwise the deciding
 * list says `listed` or `clear` (a covered number that the list does not name is clear as of that
 * list's date). The import keeps each registry row pointing at the list that decides it, so a row
 * marked by an older list never counts.
 */
export function nationalDncState(e164: string, deciding: DecidingList | null, mark: NationalDncMark | null, now: Date): NationalDncState {
  if (!deciding) return { status: 'unknown', list_date: null, stale: true, scrub_required: isScrubRequired(e164, false) };
  const listed = !!mark && mark.national_dnc_listed && mark.national_dnc_list_id === deciding.id;
  return {
    status: listed ? 'listed' : 'clear',
    list_date: deciding.list_date,
    stale: isScrubStale(deciding.list_date, now),
    scrub_required: isScrubRequired(e164, true),
  };
}
