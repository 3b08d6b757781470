import type { Literal } from '@engage/database';
import type { RelevanceKey, SearchTerm } from './contact-search';
import { SORT_COLUMNS, VIEW } from './contact-columns';
import type { ContactListFilter } from './contacts.repository';

/** Rows one search arm may contribute: a one-letter prefix must not turn into a million-row sort. */
const ARM_LIMIT = 5000;
/** Ids an email or company prefix may contribute (also the companies one search word may name). */
export const LOOKUP_LIMIT = 2000;
/** Names one word may be looked up under by the ordered search (typos and prefixes). */
const MAX_NAME_PROBES = 120;
/** First-and-last name pairs a two-word query may be looked up under by the ordered search. */
const MAX_PAIR_PROBES = 400;
/** Companies a word may be looked up under one by one by the ordered search. */
const MAX_COMPANY_PROBES = 50;

type Word = Extract<SearchTerm, { kind: 'word' }>;
const isWord = (term: SearchTerm): term is Word => term.kind === 'word';
/** The word and the tenant's names one typo away from it. */
const typoNames = (term: Word) => term.names ?? [term.text];

/** A text[] literal of these values. */
export const textArraySql = (values: string[], l: Literal) => `ARRAY[${values.map((v) => l(v)).join(', ')}]::text[]`;

/** The ids of the tenant's live companies whose name starts with `word` (a prefix: an index range). */
export const companiesStartingSql = (t: string, word: string, l: Literal) =>
  `SELECT co.id FROM crm.companies co WHERE co.tenant_id = ${t} AND starts_with(co.name_sort, ${l(word)}) AND co.deleted_at IS NULL`;

/**
 * How well a name key answers a word, as the relevance score counts it: 2 for the word itself, 1
 * for a name one typo away, 0 for anything else the word matched (a prefix, a company, an email).
 */
const levelOf = (term: Word, name: string) => (name === term.text ? 2 : typoNames(term).includes(name) ? 1 : 0);

/**
 * Contact search with `q`, built from btree lookups only (under row-level security only LEAKPROOF
 * operators become index conditions: equality, ranges and starts_with on text qualify; LIKE and
 * GIN operators do not).
 *
 * Relevance is a score per word (2 the word itself, 1 one typo away, 0 a prefix, company or email
 * match), summed; equal scores are listed by last name key, first name key and id, and the
 * relevance cursor carries all four.
 *
 * One or two plain words, listed by relevance without other filters (what people type into a
 * search box), take the ordered path ({@link orderedSearchSql}); everything else the collecting
 * path below: each word is a UNION of small index-only lookups (names one typo away, name
 * prefixes, companies whose name starts with the word, emails that start with it, phones that
 * end with its digits), the words are intersected on the id, scored from the keys alone, sorted,
 * and only the page's rows are read from the table.
 */
export function searchSql(tenantId: string, filter: ContactListFilter, liveness: string, filters: string[], l: Literal): string {
  const t = l(tenantId);
  const relevance = filter.sort.key === 'relevance';
  if (relevance && filters.length === 0 && !filter.deleted) {
    const ordered = orderedSearchSql(t, filter, l);
    if (ordered) return ordered;
  }
  const live = `c.tenant_id = ${t} AND c.deleted_at ${filter.deleted ? 'IS NOT NULL' : 'IS NULL'}`;
  const arm = (condition: string, limit = ARM_LIMIT) =>
    `(SELECT c.id, c.first_key, c.last_key, c.company_id FROM crm.contacts c WHERE ${live} AND ${condition} LIMIT ${limit})`;
  const { channelIds, companyIds, namesOf } = lookups(t, l);

  /** The rows of one term, as a union of index-only lookups. */
  const armsOf = (term: SearchTerm): string => {
    if (term.kind === 'email') return arm(`c.id = ANY(${channelIds(`e:${term.text}`)})`);
    if (term.kind === 'phone') {
      const reversed = [...term.text].reverse().join('');
      return `${arm(`c.id = ANY(${channelIds(`r:${reversed}`)})`)} UNION ${arm(`c.id = ANY(${channelIds(`p:+${term.text}`)})`)}`;
    }
    const names = namesOf(term);
    const arms = [
      arm(`c.first_key = ANY(${names})`),
      arm(`c.last_key = ANY(${names})`),
      arm(`starts_with(c.first_key, ${l(term.text)})`),
      arm(`starts_with(c.last_key, ${l(term.text)})`),
      // Contacts of a company are read from the table (the company index does not cover the keys): fewer.
      arm(`c.company_id = ANY(${companyIds(term.text)})`, LOOKUP_LIMIT),
    ];
    if (term.emailPrefix) arms.push(arm(`c.id = ANY(${channelIds(`e:${term.text}`)})`));
    return arms.join(' UNION ');
  };
  /** The same term as a test of a row already found (the columns come with it from the index). */
  const testOf = (term: SearchTerm): string => {
    if (term.kind === 'email') return `h.id = ANY(${channelIds(`e:${term.text}`)})`;
    if (term.kind === 'phone') {
      const reversed = [...term.text].reverse().join('');
      return `(h.id = ANY(${channelIds(`r:${reversed}`)}) OR h.id = ANY(${channelIds(`p:+${term.text}`)}))`;
    }
    const names = namesOf(term);
    const word = l(term.text);
    return `(h.first_key = ANY(${names}) OR h.last_key = ANY(${names}) OR starts_with(h.first_key, ${word}) OR starts_with(h.last_key, ${word})
             OR h.company_id = ANY(${companyIds(term.text)})${term.emailPrefix ? ` OR h.id = ANY(${channelIds(`e:${term.text}`)})` : ''})`;
  };

  // The term expected to match the fewest rows drives (an email or phone, else the longest word);
  // the others are tested on its rows instead of being looked up on their own.
  const rank = (term: SearchTerm) => (term.kind === 'word' ? term.text.length : 100);
  const driver = filter.terms.reduce((best, term) => (rank(term) > rank(best) ? term : best), filter.terms[0]);
  const others = filter.terms.filter((term) => term !== driver);
  const score = scoreSql(filter.terms, 'h', l);
  const matched = `SELECT h.id, h.first_key, h.last_key, (${score})::int AS score FROM (${armsOf(driver)}) h${others.length ? ` WHERE ${others.map(testOf).join(' AND ')}` : ''}`;

  if (relevance) {
    const key = { score: 'h.score', last: 'h.last_key', first: 'h.first_key', id: 'h.id' };
    if (filters.length === 0 && !filter.deleted) {
      return `WITH matched AS (${matched}),
              page AS (SELECT h.id, h.first_key, h.last_key, h.score FROM matched h WHERE ${afterRelevanceSql(key, filter.afterRelevance, l)}
                        ORDER BY ${relevanceOrder('h')} LIMIT ${l(filter.take)})
              ${pageRowsSql(t)}`;
    }
    return `WITH matched AS (${matched})
            SELECT ${VIEW}, ${relevanceValue('h')} AS sort_value
              FROM matched h JOIN crm.contacts c ON c.tenant_id = ${t} AND c.id = h.id
             WHERE ${[`c.tenant_id = ${t}`, liveness, ...filters, afterRelevanceSql(key, filter.afterRelevance, l)].join(' AND ')}
             ORDER BY ${relevanceOrder('h')} LIMIT ${l(filter.take)}`;
  }

  const dir = filter.sort.descending ? 'DESC' : 'ASC';
  const op = filter.sort.descending ? '<' : '>';
  const sort = SORT_COLUMNS[filter.sort.key];
  const after = filter.after
    ? `AND (${sort.column}, h.id) ${op} (${filter.after.v === null ? 'NULL' : `${l(filter.after.v)}::${sort.cast}`}, ${l(filter.after.id)}::uuid)`
    : '';
  return `WITH matched AS (${matched})
          SELECT ${VIEW}, ${sort.text} AS sort_value
            FROM matched h JOIN crm.contacts c ON c.tenant_id = ${t} AND c.id = h.id
           WHERE ${[`c.tenant_id = ${t}`, liveness, ...filters].join(' AND ')} ${after}
           ORDER BY ${sort.column} ${dir}, h.id ${dir} LIMIT ${l(filter.take)}`;
}

/**
 * The ordered path, for one or two words: instead of collecting every contact whose name matches
 * (thousands for a common name) and sorting them, each candidate name, or first-and-last pair for
 * two words, is looked up on its own in a name index that returns its rows already in result order,
 * and only the first page's worth is read from each. The candidates are the tenant's names one
 * typo from a word and the names that start with it, both from the name vocabulary.
 *
 * Why the page is exact: every row in one lookup has at least the score of that lookup's names
 * (for a pair, exactly it), and a row is found by the lookup of the names that earn its score. So
 * a row that belongs on the page has fewer than a page of rows before it in that lookup, and is
 * among the rows read. Lookups all of whose rows come before the cursor are skipped.
 *
 * Company and email matches (score 0 for that word) are collected as on the other path, bounded.
 * Returns null when the words expand to too many names (one or two letters): the collecting path
 * bounds such searches instead.
 */
function orderedSearchSql(t: string, filter: ContactListFilter, l: Literal): string | null {
  const terms = filter.terms;
  if (terms.length === 0 || terms.length > 2 || !terms.every(isWord)) return null;
  if (terms.some((w) => w.broad || !w.prefixNames || !w.companyIds)) return null;
  const candidates = terms.map((w) => [...new Set([...typoNames(w), ...(w.prefixNames ?? [])])]);
  if (candidates.some((names) => names.length > MAX_NAME_PROBES)) return null;

  const after = filter.afterRelevance ?? null;
  const k = l(filter.take);
  const live = `c.tenant_id = ${t} AND c.deleted_at IS NULL`;
  const { channelIds, list } = lookups(t, l);
  /**
   * Rows of a company whose name starts with the word: a hashed sub-select (a long constant list
   * costs more to plan than the search takes to run).
   */
  const atCompanyOf = (alias: string, word: Word) => `${alias}.company_id IN (${companiesStartingSql(t, word.text, l)})`;
  const afterOf = (alias: string) =>
    after ? ` AND ${afterRelevanceSql({ score: `(${scoreSql(terms, alias, l)})`, last: `${alias}.last_key`, first: `${alias}.first_key`, id: `${alias}.id` }, after, l)}` : '';
  /** Skips a lookup whose rows all score above the cursor's (all were on earlier pages). */
  const wanted = (least: number) => !after || least <= after.score;
  const probe = (source: string, condition: string, order: string) =>
    `SELECT h.id, h.first_key, h.last_key FROM ${source} CROSS JOIN LATERAL
       (SELECT c.id, c.first_key, c.last_key FROM crm.contacts c WHERE ${live} AND ${condition}${afterOf('c')} ORDER BY ${order} LIMIT ${k}) h`;
  /** Either name column equal to one of `names` (and `also`): for one word, or a name both words match. */
  const byName = (names: string[], also = '') =>
    names.length === 0
      ? []
      : [
          probe(`unnest(${list(names)}) AS p(x)`, `c.last_key = p.x${also}`, 'c.first_key, c.id'),
          probe(`unnest(${list(names)}) AS p(x)`, `c.first_key = p.x${also}`, 'c.last_key, c.id'),
        ];
  /** Up to LOOKUP_LIMIT rows meeting `condition`, in no particular order (after the cursor). */
  const bounded = (condition: string) =>
    `SELECT x.id, x.first_key, x.last_key FROM (SELECT c.id, c.first_key, c.last_key FROM crm.contacts c
        WHERE ${live} AND ${condition} LIMIT ${LOOKUP_LIMIT}) x WHERE true${afterOf('x')}`;
  /**
   * Contacts of the companies whose name starts with a word: in result order per company, or for
   * words that name many companies a bounded number of candidates, as on the collecting path.
   */
  const byCompany = (ids: string[], words: Word[]) =>
    ids.length === 0
      ? []
      : ids.length <= MAX_COMPANY_PROBES
        ? [probe(`unnest(${list(ids)}::uuid[]) AS p(x)`, 'c.company_id = p.x', 'c.last_key, c.first_key, c.id')]
        : [bounded(words.map((w) => atCompanyOf('c', w)).join(' AND '))];

  const named: string[] = [];
  const others: string[] = [];
  if (terms.length === 1) {
    const [word] = terms;
    named.push(...byName(candidates[0].filter((name) => wanted(levelOf(word, name)))));
    others.push(...byCompany(word.companyIds ?? [], [word]));
    // Emails starting with the word: a bounded number of candidates, as on the collecting path.
    if (word.emailPrefix) others.push(bounded(`c.id = ANY(${channelIds(`e:${word.text}`)})`));
  } else {
    const [one, two] = terms as [Word, Word];
    const pairScore = (first: string, last: string) =>
      Math.max(levelOf(one, first), levelOf(one, last)) + Math.max(levelOf(two, first), levelOf(two, last));
    // One word (the anchor) is looked up under each of its names, in either name column; the other
    // column must then hold one of the other word's typo names (a pair lookup) or start with it (a
    // range of the same index, still in result order). The anchor is the word with fewer lookups,
    // so a one-letter word ("jacqueline s") is a range rather than dozens of names.
    const [anchor, anchorNames, other] =
      candidates[0].length * (typoNames(two).length + 1) <= candidates[1].length * (typoNames(one).length + 1)
        ? [one, candidates[0], two]
        : [two, candidates[1], one];
    const pairs = new Map<string, [string, string]>();
    for (const a of anchorNames) {
      for (const b of typoNames(other)) {
        for (const [first, last] of [[a, b], [b, a]] as const) if (wanted(pairScore(first, last))) pairs.set(`${first}\u0000${last}`, [first, last]);
      }
    }
    if (pairs.size > MAX_PAIR_PROBES) return null;
    if (pairs.size > 0) {
      const values = [...pairs.values()].map(([first, last]) => `(${l(first)}, ${l(last)})`).join(', ');
      named.push(probe(`(VALUES ${values}) AS p(f, l)`, 'c.first_key = p.f AND c.last_key = p.l', 'c.id'));
    }
    // Every row of a range scores at least what its anchor name earns for both words.
    const ranged = anchorNames.filter((a) => wanted(levelOf(anchor, a) + levelOf(other, a)));
    if (ranged.length > 0) {
      const prefix = l(other.text);
      named.push(
        probe(`unnest(${list(ranged)}) AS p(x)`, `c.first_key = p.x AND starts_with(c.last_key, ${prefix})`, 'c.last_key, c.id'),
        probe(`unnest(${list(ranged)}) AS p(x)`, `c.last_key = p.x AND starts_with(c.first_key, ${prefix})`, 'c.first_key, c.id'),
      );
    }
    named.push(...byName(candidates[0].filter((name) => candidates[1].includes(name) && wanted(levelOf(one, name) + levelOf(two, name)))));
    // One word matched by a company and the other by a name: the name's rows in result order,
    // tested for the company (carried by the name indexes); or both by the same company.
    for (const [company, other, names] of [[one, two, candidates[1]], [two, one, candidates[0]]] as const) {
      if (company.companyIds?.length) others.push(...byName(names.filter((name) => wanted(levelOf(other, name))), ` AND ${atCompanyOf('c', company)}`));
    }
    others.push(...byCompany((one.companyIds ?? []).filter((id) => two.companyIds?.includes(id)), [one, two]));
  }
  if (named.length === 0) named.push('SELECT NULL::uuid AS id, NULL::text AS first_key, NULL::text AS last_key WHERE false');
  // A company or email match scores 0 for its word, so such rows score at most 2 per other word:
  // once a page of name matches scores higher, they cannot reach the page and are not read.
  const ceiling = 2 * (terms.length - 1);
  const needed = `(SELECT count(DISTINCT n.id) FROM named n WHERE (${scoreSql(terms, 'n', l)}) > ${ceiling}) < ${k}`;

  return `WITH named AS (${named.map((a) => `(${a})`).join(' UNION ALL ')}),
          hits AS (SELECT * FROM named${others.map((a) => ` UNION ALL (SELECT o.* FROM (${a}) o WHERE ${needed})`).join('')}),
          page AS (SELECT DISTINCT h.id, h.first_key, h.last_key, (${scoreSql(terms, 'h', l)})::int AS score FROM hits h
                    ORDER BY score DESC, h.last_key, h.first_key, h.id LIMIT ${k})
          ${pageRowsSql(t)}`;
}

/** Index lookups shared by both paths, as SQL array expressions. */
function lookups(t: string, l: Literal) {
  const list = (values: string[]) => textArraySql(values, l);
  return {
    list,
    channelIds: (prefix: string) =>
      `ARRAY(SELECT ch.contact_id FROM crm.contact_channels ch WHERE ch.tenant_id = ${t} AND starts_with(ch.value, ${l(prefix)}) LIMIT ${LOOKUP_LIMIT})`,
    companyIds: (word: string) => `ARRAY(${companiesStartingSql(t, word, l)} LIMIT ${LOOKUP_LIMIT})`,
    namesOf: (term: Word) => list(typoNames(term)),
  };
}

/** The relevance score of a row with name keys `<alias>.first_key` and `<alias>.last_key`. */
function scoreSql(terms: SearchTerm[], alias: string, l: Literal): string {
  const scores = terms.filter(isWord).map((term) => {
    const word = l(term.text);
    const names = textArraySql(typoNames(term), l);
    return `CASE WHEN ${alias}.first_key = ${word} OR ${alias}.last_key = ${word} THEN 2
                 WHEN ${alias}.first_key = ANY(${names}) OR ${alias}.last_key = ANY(${names}) THEN 1 ELSE 0 END`;
  });
  return scores.length ? scores.join(' + ') : '0';
}

const relevanceOrder = (alias: string) => `${alias}.score DESC, ${alias}.last_key, ${alias}.first_key, ${alias}.id`;
/** A relevance position as the cursor stores it: [score, last key, first key] (see relevanceKey). */
const relevanceValue = (alias: string) => `json_build_array(${alias}.score, ${alias}.last_key, ${alias}.first_key)::text`;

/** Rows after the cursor in relevance order (`key` names the score, keys and id of a row). */
function afterRelevanceSql(key: { score: string; last: string; first: string; id: string }, after: RelevanceKey | null | undefined, l: Literal): string {
  if (!after) return 'true';
  const s = l(after.score);
  return `(${key.score} < ${s} OR (${key.score} = ${s} AND (${key.last}, ${key.first}, ${key.id}) > (${l(after.last)}, ${l(after.first)}, ${l(after.id)}::uuid)))`;
}

/** The page (`page`: id, keys, score) as API rows, in relevance order. */
const pageRowsSql = (t: string) =>
  `SELECT ${VIEW}, ${relevanceValue('page')} AS sort_value FROM page JOIN crm.contacts c ON c.tenant_id = ${t} AND c.id = page.id
    ORDER BY ${relevanceOrder('page')}`;
