/**
 * How contacts are found by `q`. Three derived columns are written with every contact:
 *
 * - `name_sort`: lower-cased "first last", the key of the name sort.
 * - `search_doc`: normalised names, emails, phone digits and company name, indexed with pg_trgm
 *   (GIN), for substring matches: "smi", "@acme.com", "5550123".
 * - `search_keys`: for each name word, the word and every variant with one letter deleted
 *   (a deletion neighbourhood, as in SymSpell), indexed with a plain GIN. A query word matches when
 *   its own variants meet the row's: one typo on either side (a missing, extra, replaced or swapped
 *   letter) still matches, so "jon smtih" finds "John Smith". Trigram similarity alone cannot:
 *   short words share too few trigrams to be told apart from noise.
 */

const MAX_WORDS = 12;
const MAX_WORD = 24;
/** Shorter words are matched as they are: their one-deletion variants would match almost anything. */
const MIN_FUZZY = 4;

/** Lower case, accents folded, so "José" and "jose" are the same word. */
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

export interface SearchableContact {
  firstName: string | null;
  lastName: string | null;
  emails: string[];
  phones: Array<{ number: string; nationalDigits?: string }>;
  companyName: string | null;
}

export interface DerivedSearchColumns {
  nameSort: string;
  searchDoc: string;
  searchKeys: string[];
}

export function deriveSearchColumns(c: SearchableContact): DerivedSearchColumns {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const digits = c.phones.flatMap((p) => [p.number.replace(/\D/g, ''), p.nationalDigits ?? '']).filter(Boolean);
  const searchDoc = [foldText(name), ...c.emails.map(foldText), ...digits, c.companyName ? foldText(c.companyName) : '']
    .filter(Boolean)
    .join(' ')
    .slice(0, 2000);
  const keys = new Set<string>();
  for (const word of [...wordsOf(name), ...wordsOf(c.companyName ?? '')]) for (const v of deletionVariants(word)) keys.add(v);
  return { nameSort: foldText(name).slice(0, 400), searchDoc, searchKeys: [...keys] };
}

/** One condition per query word, all of which a row must meet. */
export type SearchTerm =
  | { kind: 'word'; text: string; variants: string[] }
  | { kind: 'substring'; text: string };

/**
 * Turns `q` into terms: an email-like or phone-like query is one substring; otherwise each word
 * matches by typo keys or as a substring of the search document.
 */
export function parseSearch(q: string): SearchTerm[] {
  const folded = foldText(q).trim();
  if (!folded) return [];
  if (folded.includes('@')) return [{ kind: 'substring', text: folded.replace(/\s+/g, '').slice(0, 200) }];
  const digits = folded.replace(/[\s()+.-]/g, '');
  if (/^\d{3,}$/.test(digits)) return [{ kind: 'substring', text: digits.slice(0, 20) }];
  return wordsOf(folded)
    .slice(0, 6)
    .map((word) => ({ kind: 'word' as const, text: word.slice(0, MAX_WORD), variants: deletionVariants(word) }));
}
