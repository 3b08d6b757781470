/**
 * How contacts are found by `q`, with btree lookups only (under row-level security PostgreSQL
 * uses an index only for LEAKPROOF operators: equality and ranges on text, not LIKE or GIN
 * operators). Derived with every write:
 *
 * - `first_key`, `last_key`: the folded first and last name (lower case, accents removed);
 *   a query word matches them exactly or as a prefix ("smi" → Smith).
 * - the name vocabulary: each word of those names under itself and each one-letter deletion of it
 *   (a deletion neighbourhood, as in SymSpell). A query word's own deletions meet them when the two
 *   are one typo apart on either side (a missing, extra, replaced or swapped letter), which turns
 *   "jon smtih" into the names John and Smith before the contacts are looked up.
 * - contact_channels: `e:<email>` (prefix search), `p:<e164>` and `r:<national digits reversed>`
 *   (a phone that ends with the digits typed).
 * - `name_sort`: "first last", the name sort and the relevance score's text.
 */

const MAX_WORDS = 12;
const MAX_WORD = 24;
/** Shorter words are matched as they are: their one-deletion variants would match almost anything. */
const MIN_FUZZY = 4;

/** Lower case, accents folded, so "José" and "jose" are the same word. */
import { normaliseEmailForMatching } from '@engage/contracts';
import { isCursorText, isInt32 } from '@engage/database';
export const foldText = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

export const wordsOf = (text: string): string[] =>
  foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_WORDS);

/** The word and, for words long enough, each variant with one letter removed. */
export function deletionVariants(word: string): string[] {
  const w = word.slice(0, MAX_WORD);
  const variants = new Set([w]);
  if (w.length >= MIN_FUZZY) {
    for (let i = 0; i < w.length; i++) variants.add(w.slice(0, i) + w.slice(i + 1));
  }
  return [...variants];
}

/** A name as stored for search: folded, single-spaced, bounded. */
export const nameKey = (name: string | null): string => (name ? wordsOf(name).join(' ').slice(0, 200) : '');

export interface DerivedSearchColumns {
  nameSort: string;
  firstKey: string;
  lastKey: string;
  /** [variant, name key] pairs for the tenant's name vocabulary. */
  vocabulary: Array<[string, string]>;
}

/**
 * The search columns of a name. `vocabularyKnown` names the keys whose vocabulary pairs are
 * already stored (an import remembers the names it wrote): their pairs are not derived again.
 */
export function deriveSearchColumns(
  c: { firstName: string | null; lastName: string | null },
  vocabularyKnown: (key: string) => boolean = () => false,
): DerivedSearchColumns {
  const firstKey = nameKey(c.firstName);
  const lastKey = nameKey(c.lastName);
  const vocabulary = new Map<string, [string, string]>();
  for (const key of [firstKey, lastKey]) {
    if (!key || vocabularyKnown(key)) continue;
    for (const word of key.split(' ')) for (const v of deletionVariants(word)) vocabulary.set(`${v}\u0000${key}`, [v, key]);
  }
  return { nameSort: [firstKey, lastKey].filter(Boolean).join(' ').slice(0, 400), firstKey, lastKey, vocabulary: [...vocabulary.values()] };
}

/** `r:` keys: national digits reversed, so "ends with these digits" is a prefix (range) lookup. */
export const reversedPhoneKeys = (nationalDigits: string[]): string[] => nationalDigits.filter(Boolean).map((d) => `r:${[...d].reverse().join('')}`);

/** One condition per query word, all of which a row must meet. */
export type SearchTerm =
  | {
      kind: 'word';
      text: string;
      variants: string[];
      /** Real names within one typo (and the word itself), filled from the vocabulary. */
      names?: string[];
      /** Every name of the tenant that starts with the word, filled from the vocabulary (when not broad). */
      prefixNames?: string[];
      /** More names start with the word than a search looks up one by one (a letter or two). */
      broad?: boolean;
      /** The companies whose name starts with the word, filled from the companies. */
      companyIds?: string[];
      /** Also look for an email starting with the word. */
      emailPrefix?: boolean;
    }
  | { kind: 'email'; text: string }
  | { kind: 'phone'; text: string };

/**
 * Turns `q` into terms: an email-like query is one email prefix, a phone-like one a digits
 * suffix; otherwise each word matches a name (exactly, by prefix, or one typo away), a company
 * name prefix or an email prefix.
 */
export function parseSearch(q: string): SearchTerm[] {
  const folded = foldText(q).trim();
  if (!folded) return [];
  // Emails are keyed in their matching form (see normaliseEmailForMatching): search in the same form.
  if (folded.includes('@')) return [{ kind: 'email', text: normaliseEmailForMatching(q).replace(/\s+/g, '').slice(0, 200) }];
  const digits = folded.replace(/[\s()+.-]/g, '');
  if (/^\d{3,}$/.test(digits)) return [{ kind: 'phone', text: digits.slice(-15) }];
  const words = wordsOf(folded).slice(0, 6);
  // Only punctuation: match it literally as an email prefix rather than ignore it (which would list everything).
  if (words.length === 0) return [{ kind: 'email', text: folded.slice(0, 200) }];
  // A lone word may be the start of an email address ("jsmith"); in a longer query words are names.
  return words.map((word) => ({ kind: 'word' as const, text: word.slice(0, MAX_WORD), variants: deletionVariants(word), emailPrefix: words.length === 1 }));
}

/** Names a word's prefix may expand to before the search treats the word as broad. */
export const MAX_PREFIX_NAMES = 40;

/**
 * Where a relevance-sorted page ended: results are ordered by score (best first), then last name
 * key, first name key and id, and the cursor carries all four. Its text form (the cursor's `v`) is
 * the JSON array [score, last key, first key].
 */
export interface RelevanceKey {
  score: number;
  last: string;
  first: string;
  id: string;
}

/** Reads a relevance cursor's sort value; anything else than what a page wrote is refused. */
export function relevanceKey(v: string | number | null, id: string): RelevanceKey | null {
  if (typeof v !== 'string') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [score, last, first] = parsed as unknown[];
  if (!isInt32(score) || !isCursorText(last) || !isCursorText(first)) return null;
  return { score: score as number, last, first, id };
}

/**
 * The range of C-collated text that starts with `prefix`: [prefix, the prefix with its last
 * character's code point raised by one). A range of parameters is an index range in a prepared
 * statement, where `starts_with` with a parameter is not (PostgreSQL turns it into a range only
 * for a constant).
 */
export function prefixRange(prefix: string): [string, string] {
  const chars = [...prefix];
  if (chars.length === 0) return ['', '\u{10FFFF}'];
  let last = chars[chars.length - 1].codePointAt(0)! + 1;
  if (last >= 0xd800 && last <= 0xdfff) last = 0xe000;
  const head = chars.slice(0, -1).join('');
  if (last > 0x10ffff) return [prefix, prefixRange(head)[1]];
  return [prefix, head + String.fromCodePoint(last)];
}
