import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { LineType } from '@engage/contracts';
import { factsOf } from './number-facts';

/**
 * The national Do-Not-Call file format (documented in apps/telephony-service/README.md):
 *
 *     # Any line starting with # is a comment, except these directives (before the first number):
 *     # date: 2026-12-01          the list's date (or --date on the command line)
 *     # area-codes: 415, 628      North American area codes covered (each is the prefix +1<code>)
 *     # prefixes: +44, +1907555   E.164 prefixes covered, for anything else
 *     # country: US               region of numbers written in national form (default US)
 *     4155550100
 *     +1 (628) 555-0100
 *
 * One number a line, in national or E.164 form. A number in a covered prefix that the file does not
 * list is clear as of the list's date; that is why a list must say what it covers. A line that is
 * not a possible phone number, or a number outside the covered prefixes, is counted and reported,
 * never fatal. What would change the meaning of the whole list (a bad date, a directive after the
 * numbers have started, conflicting dates) is fatal.
 */

/** A problem with the file as a whole: nothing is loaded. */
export class DncFileError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
    this.name = 'DncFileError';
  }
}

/** A listed number, normalised, with what the numbering plan says about it. */
export interface ListedNumber {
  e164: string;
  country: string | null;
  line_type: LineType | null;
}

export type DncLine = { kind: 'skip' } | { kind: 'number'; number: ListedNumber } | { kind: 'invalid'; reason: string };

/** What the directives declared, once the first number is reached. */
export interface DncListHeader {
  date: string | null;
  /** Covered E.164 prefixes, minimal (none is a prefix of another) and sorted. */
  prefixes: string[];
  country: CountryCode;
}

const DIRECTIVE = /^#\s*([a-z][a-z-]*)\s*:\s*(.*)$/i;
const NUMBER_CHARACTERS = /^[+\d\s().-]+$/;
const AREA_CODE = /^[2-9]\d{2}$/;
const PREFIX = /^\+[1-9]\d{0,14}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_LINE_SHOWN = 40;

/** A calendar date written YYYY-MM-DD, or a DncFileError naming `source`. */
export function parseListDate(value: string, source: string, line: number | null = null): string {
  const match = ISO_DATE.exec(value.trim());
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 2000) return match[0];
  }
  throw new DncFileError(`${source} must be a date written YYYY-MM-DD (got ${JSON.stringify(shorten(value.trim()))})`, line);
}

/** `415, 628` → `['+1415', '+1628']`. */
export function parseAreaCodes(value: string, line: number | null = null): string[] {
  return splitList(value).map((code) => {
    if (!AREA_CODE.test(code)) throw new DncFileError(`${JSON.stringify(shorten(code))} is not a North American area code (three digits, not starting with 0 or 1)`, line);
    return `+1${code}`;
  });
}

/** `+44, +1907555` → the same prefixes, checked. */
export function parsePrefixes(value: string, line: number | null = null): string[] {
  return splitList(value).map((prefix) => {
    if (!PREFIX.test(prefix)) throw new DncFileError(`${JSON.stringify(shorten(prefix))} is not an E.164 prefix (+ then 1 to 15 digits)`, line);
    return prefix;
  });
}

/** Drops prefixes another covered prefix already includes (`+1` makes `+1415` redundant), sorted. */
export function minimalPrefixes(prefixes: Iterable<string>): string[] {
  const sorted = [...new Set(prefixes)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const prefix of sorted) if (!kept.some((shorter) => prefix.startsWith(shorter))) kept.push(prefix);
  return kept.sort();
}

/** The covered prefix a number falls under, or null. */
export function coveringPrefix(e164: string, prefixes: readonly string[]): string | null {
  return prefixes.find((prefix) => e164.startsWith(prefix)) ?? null;
}

/**
 * Reads a national DNC file line by line, in order: directives first, then numbers. Feed it every
 * line (1-based line numbers); it answers what each one is.
 */
export class NationalDncFileReader {
  private date: string | null = null;
  private readonly declared = new Set<string>();
  private country: CountryCode = 'US';
  private countrySet = false;
  private finished: DncListHeader | null = null;

  read(rawLine: string, lineNo: number): DncLine {
    const line = (lineNo === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine).trim();
    if (line === '') return { kind: 'skip' };
    if (line.startsWith('#')) {
      this.directive(line, lineNo);
      return { kind: 'skip' };
    }
    // Any other line ends the directives, even one that turns out not to be a number.
    const header = this.endOfDirectives();
    if (!NUMBER_CHARACTERS.test(line)) return { kind: 'invalid', reason: `${JSON.stringify(shorten(line))} is not a phone number` };
    const parsed = parsePhoneNumberFromString(line, header.country);
    if (!parsed || !parsed.isPossible()) return { kind: 'invalid', reason: `${JSON.stringify(shorten(line))} is not a possible phone number` };
    const e164 = parsed.number;
    if (!coveringPrefix(e164, header.prefixes)) {
      return { kind: 'invalid', reason: `${e164} is outside the prefixes the list covers (${header.prefixes.join(', ')})` };
    }
    return { kind: 'number', number: { e164, ...factsOf(parsed) } };
  }

  /** The directives as they stand; fixed from the first number on. */
  header(): DncListHeader {
    if (this.finished) return this.finished;
    return { date: this.date, prefixes: minimalPrefixes(this.declared), country: this.country };
  }

  /** Ends the directives (at the first number line, or the end of a file that holds none) and returns them. */
  endOfDirectives(): DncListHeader {
    this.finished ??= this.header();
    return this.finished;
  }

  private directive(line: string, lineNo: number): void {
    const match = DIRECTIVE.exec(line);
    const name = match?.[1].toLowerCase();
    if (!match || !name || !['date', 'area-codes', 'prefixes', 'country'].includes(name)) return; // a comment
    if (this.finished) throw new DncFileError(`the "${name}" directive must come before the first number`, lineNo);
    const value = match[2];
    if (name === 'date') {
      const date = parseListDate(value, 'the "date" directive', lineNo);
      if (this.date !== null && this.date !== date) throw new DncFileError(`the file gives two dates, ${this.date} and ${date}`, lineNo);
      this.date = date;
    } else if (name === 'area-codes') {
      for (const prefix of parseAreaCodes(value, lineNo)) this.declared.add(prefix);
    } else if (name === 'prefixes') {
      for (const prefix of parsePrefixes(value, lineNo)) this.declared.add(prefix);
    } else {
      const country = value.trim().toUpperCase();
      if (!isSupportedCountry(country)) throw new DncFileError(`${JSON.stringify(shorten(value.trim()))} is not an ISO 3166 country code libphonenumber knows`, lineNo);
      if (this.countrySet && this.country !== country) throw new DncFileError(`the file gives two countries, ${this.country} and ${country}`, lineNo);
      this.country = country;
      this.countrySet = true;
    }
  }
}

function splitList(value: string): string[] {
  return value
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function shorten(text: string): string {
  return text.length > MAX_LINE_SHOWN ? `${text.slice(0, MAX_LINE_SHOWN)}…` : text;
}
