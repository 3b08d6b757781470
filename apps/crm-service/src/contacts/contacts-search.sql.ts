import { type Bind, type Literal, namedRead, type PreparedRead } from '@engage/database';
import { prefixRange, type RelevanceKey, type SearchTerm } from './contact-search';
import { SORT_COLUMNS, VIEW } from './contact-columns';
import { type ContactListFilter, LOOKUP_LIMIT } from './contact-list-filter';

/** Rows one search arm may contribute: a one-letter prefix must not turn into a million-row sort. */
const ARM_LIMIT = 5000;
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
 * One or two plain words, or a lone email or phone, listed by relevance without other filters
 * (what people type into a search box), run as prepared statements ({@link orderedSearch});
 * everything else takes the collecting path below: each word is a UNION of small index-only
 * lookups (names one typo away, name prefixes, companies whose name starts with the word, emails
 * that start with it, phones that end with its digits), the words are intersected on the id,
 * scored from the keys alone, sorted, and only the page's rows are read from the table.
 */
export function searchSql(tenantId: string, filter: ContactListFilter, liveness: string, filters: string[], l: Literal, bind: Bind): string {
  const t = l(tenantId);
  const relevance = filter.sort.key === 'relevance';
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
              page AS (SELECT h.id, h.first_key, h.last_key, h.score FROM matched h WHERE ${afterRelevanceSql(key, filter.afterRelevance, bind)}
                        ORDER BY ${relevanceOrder('h')} LIMIT ${l(filter.take)})
              ${pageRowsSql(t)}`;
    }
    return `WITH matched AS (${matched})
            SELECT ${VIEW}, ${relevanceValue('h')} AS sort_value
              FROM matched h JOIN crm.contacts c ON c.tenant_id = ${t} AND c.id = h.id
             WHERE ${[`c.tenant_id = ${t}`, liveness, ...filters, afterRelevanceSql(key, filter.afterRelevance, bind)].join(' AND ')}
             ORDER BY ${relevanceOrder('h')} LIMIT ${l(filter.take)}`;
  }

  const dir = filter.sort.descending ? 'DESC' : 'ASC';
  const op = filter.sort.descending ? '<' : '>';
  const sort = SORT_COLUMNS[filter.sort.key];
  const after = filter.after
    ? `AND (${sort.column}, h.id) ${op} (${bind(filter.after.v)}::${sort.cast}, ${bind(filter.after.id)}::uuid)`
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
 *
 * The statement has one fixed text per word count, with the words, their names and the cursor as
 * parameters: it is parsed and planned once per connection (a search box sends this shape almost
 * every time, and planning a statement of this size costs more than running it). Lookups that do
 * not apply get empty lists or a false switch. Returns null when the words expand to too many
 * names (one or two letters): the collecting path bounds such searches instead.
 */
export function orderedSearch(tenantId: string, filter: ContactListFilter): { statement: PreparedRead; values: unknown[] } | null {
  const terms = filter.terms;
  if (terms.length === 1 && !isWord(terms[0])) return channelSearch(tenantId, filter, terms[0]);
  if (terms.length === 0 || terms.length > 2 || !terms.every(isWord)) return null;
  if (terms.some((w) => w.broad || !w.prefixNames || !w.companyIds)) return null;
  const candidates = terms.map((w) => [...new Set([...typoNames(w), ...(w.prefixNames ?? [])])]);
  if (candidates.some((names) => names.length > MAX_NAME_PROBES)) return null;

  const after = filter.afterRelevance ?? null;
  /** Skips a lookup whose rows all score above the cursor's (all were on earlier pages). */
  const wanted = (least: number) => !after || least <= after.score;
  const common = {
    tenant: tenantId,
    take: filter.take,
    after_score: after?.score ?? null,
    after_last: after?.last ?? null,
    after_first: after?.first ?? null,
    after_id: after?.id ?? null,
  };
  const wordParams = (word: Word, n: 1 | 2) => {
    const [lo, hi] = prefixRange(word.text);
    return { [`w${n}`]: word.text, [`typo${n}`]: typoNames(word), [`co_lo${n}`]: lo, [`co_hi${n}`]: hi };
  };
  /** Companies looked up one by one, or (too many) read as a bounded set. */
  const companyArms = (ids: string[]) => ({ company_probe: ids.length <= MAX_COMPANY_PROBES ? ids : [], company_bounded: ids.length > MAX_COMPANY_PROBES });

  if (terms.length === 1) {
    const [word] = terms;
    const [emailLo, emailHi] = prefixRange(`e:${word.text}`);
    const params = {
      ...common,
      ...wordParams(word, 1),
      names: candidates[0].filter((name) => wanted(levelOf(word, name))),
      ...companyArms(word.companyIds ?? []),
      email: !!word.emailPrefix,
      email_lo: emailLo,
      email_hi: emailHi,
    };
    return { statement: ORDERED_ONE_WORD.statement, values: ORDERED_ONE_WORD.values(params) };
  }

  const [one, two] = terms as [Word, Word];
  const pairScore = (first: string, last: string) => Math.max(levelOf(one, first), levelOf(one, last)) + Math.max(levelOf(two, first), levelOf(two, last));
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
  const [otherLo, otherHi] = prefixRange(other.text);
  const params = {
    ...common,
    ...wordParams(one, 1),
    ...wordParams(two, 2),
    pair_first: [...pairs.values()].map((p) => p[0]),
    pair_last: [...pairs.values()].map((p) => p[1]),
    // Every row of a range scores at least what its anchor name earns for both words.
    ranged: anchorNames.filter((a) => wanted(levelOf(anchor, a) + levelOf(other, a))),
    other_lo: otherLo,
    other_hi: otherHi,
    both_names: candidates[0].filter((name) => candidates[1].includes(name) && wanted(levelOf(one, name) + levelOf(two, name))),
    // One word matched by a company and the other by a name: the name's rows in result order,
    // tested for the company (carried by the name indexes).
    names_at_company1: one.companyIds?.length ? candidates[1].filter((name) => wanted(levelOf(two, name))) : [],
    names_at_company2: two.companyIds?.length ? candidates[0].filter((name) => wanted(levelOf(one, name))) : [],
    // Both words matched by the same company.
    ...companyArms((one.companyIds ?? []).filter((id) => two.companyIds?.includes(id))),
  };
  return { statement: ORDERED_TWO_WORDS.statement, values: ORDERED_TWO_WORDS.values(params) };
}

function orderedStatement(words: 1 | 2) {
  const live = 'c.tenant_id = :tenant::uuid AND c.deleted_at IS NULL';
  const score = (alias: string) => namedScoreSql(words, alias);
  const afterOf = (a: string) =>
    `(:after_score::int IS NULL OR (${score(a)}) < :after_score::int OR ((${score(a)}) = :after_score::int
       AND (${a}.last_key, ${a}.first_key, ${a}.id) > (:after_last::text, :after_first::text, :after_id::uuid)))`;
  const probe = (source: string, condition: string, order: string) =>
    `SELECT h.id, h.first_key, h.last_key FROM ${source} CROSS JOIN LATERAL
       (SELECT c.id, c.first_key, c.last_key FROM crm.contacts c WHERE ${live} AND ${condition} AND ${afterOf('c')} ORDER BY ${order} LIMIT :take::int) h`;
  /** Either name column equal to one of the names in `list` (and `also`). */
  const byName = (list: string, also = '') => [
    probe(`unnest(:${list}::text[]) AS p(x)`, `c.last_key = p.x${also}`, 'c.first_key, c.id'),
    probe(`unnest(:${list}::text[]) AS p(x)`, `c.first_key = p.x${also}`, 'c.last_key, c.id'),
  ];
  /** Up to LOOKUP_LIMIT rows meeting `condition` when `on` is true, in no particular order (after the cursor). */
  const bounded = (on: string, condition: string) =>
    `SELECT x.id, x.first_key, x.last_key FROM (SELECT c.id, c.first_key, c.last_key FROM crm.contacts c
        WHERE ${on} AND ${live} AND ${condition} LIMIT ${LOOKUP_LIMIT}) x WHERE ${afterOf('x')}`;
  /** Rows of a company whose name starts with word `n`: a hashed sub-select. */
  const atCompany = (n: number) =>
    `c.company_id IN (SELECT co.id FROM crm.companies co WHERE co.tenant_id = :tenant::uuid
       AND co.name_sort >= :co_lo${n}::text AND co.name_sort < :co_hi${n}::text AND co.deleted_at IS NULL)`;
  const byCompany = (condition: string) => [
    probe(`unnest(:company_probe::uuid[]) AS p(x)`, 'c.company_id = p.x', 'c.last_key, c.first_key, c.id'),
    bounded(':company_bounded::boolean', condition),
  ];

  const named: string[] = [];
  const others: string[] = [];
  if (words === 1) {
    named.push(...byName('names'));
    others.push(
      ...byCompany(atCompany(1)),
      // Emails starting with the word: a bounded number of candidates, as on the collecting path.
      bounded(
        ':email::boolean',
        `c.id = ANY(ARRAY(SELECT ch.contact_id FROM crm.contact_channels ch WHERE ch.tenant_id = :tenant::uuid
           AND ch.value >= :email_lo::text AND ch.value < :email_hi::text LIMIT ${LOOKUP_LIMIT}))`,
      ),
    );
  } else {
    named.push(
      probe('unnest(:pair_first::text[], :pair_last::text[]) AS p(f, l)', 'c.first_key = p.f AND c.last_key = p.l', 'c.id'),
      probe('unnest(:ranged::text[]) AS p(x)', 'c.first_key = p.x AND c.last_key >= :other_lo::text AND c.last_key < :other_hi::text', 'c.last_key, c.id'),
      probe('unnest(:ranged::text[]) AS p(x)', 'c.last_key = p.x AND c.first_key >= :other_lo::text AND c.first_key < :other_hi::text', 'c.first_key, c.id'),
      ...byName('both_names'),
    );
    others.push(
      ...byName('names_at_company1', ` AND ${atCompany(1)}`),
      ...byName('names_at_company2', ` AND ${atCompany(2)}`),
      ...byCompany(`${atCompany(1)} AND ${atCompany(2)}`),
    );
  }
  // A company or email match scores 0 for its word, so such rows score at most 2 per other word:
  // once a page of name matches scores higher, they cannot reach the page and are not read.
  const ceiling = 2 * (words - 1);
  const needed = `(SELECT count(DISTINCT n.id) FROM named n WHERE (${score('n')}) > ${ceiling}) < :take::int`;
  return namedRead(
    `crm_contact_search_${words}`,
    `WITH named AS (${named.map((a) => `(${a})`).join(' UNION ALL ')}),
          hits AS (SELECT * FROM named${others.map((a) => ` UNION ALL (SELECT o.* FROM (${a}) o WHERE ${needed})`).join('')}),
          page AS (SELECT DISTINCT h.id, h.first_key, h.last_key, (${score('h')})::int AS score FROM hits h
                    ORDER BY score DESC, h.last_key, h.first_key, h.id LIMIT :take::int)
     ${pageRowsSql(':tenant::uuid')}`,
  );
}

/**
 * A lone email prefix, or the digits a phone number ends with (or starts with, after the country
 * code): the contacts holding such a channel key, a bounded set as on the collecting path, listed
 * by name (they all score 0).
 */
function channelSearch(tenantId: string, filter: ContactListFilter, term: Exclude<SearchTerm, Word>) {
  const ranges =
    term.kind === 'email'
      ? [prefixRange(`e:${term.text}`), ['', ''] as [string, string]]
      : [prefixRange(`r:${[...term.text].reverse().join('')}`), prefixRange(`p:+${term.text}`)];
  const after = filter.afterRelevance ?? null;
  return {
    statement: CHANNEL_SEARCH.statement,
    values: CHANNEL_SEARCH.values({
      tenant: tenantId,
      take: filter.take,
      lo1: ranges[0][0],
      hi1: ranges[0][1],
      lo2: ranges[1][0],
      hi2: ranges[1][1],
      after_score: after?.score ?? null,
      after_last: after?.last ?? null,
      after_first: after?.first ?? null,
      after_id: after?.id ?? null,
    }),
  };
}

function channelSearchStatement() {
  const holders = (n: number) =>
    `(SELECT c.id, c.first_key, c.last_key FROM crm.contacts c WHERE c.tenant_id = :tenant::uuid AND c.deleted_at IS NULL
        AND c.id = ANY(ARRAY(SELECT ch.contact_id FROM crm.contact_channels ch WHERE ch.tenant_id = :tenant::uuid
                               AND ch.value >= :lo${n}::text AND ch.value < :hi${n}::text LIMIT ${LOOKUP_LIMIT})) LIMIT ${ARM_LIMIT})`;
  return namedRead(
    'crm_contact_search_channel',
    `WITH hits AS (${holders(1)} UNION ${holders(2)}),
          page AS (SELECT h.id, h.first_key, h.last_key, 0 AS score FROM hits h
                    WHERE :after_score::int IS NULL OR :after_score::int > 0
                       OR (:after_score::int = 0 AND (h.last_key, h.first_key, h.id) > (:after_last::text, :after_first::text, :after_id::uuid))
                    ORDER BY h.last_key, h.first_key, h.id LIMIT :take::int)
     ${pageRowsSql(':tenant::uuid')}`,
  );
}

/** {@link scoreSql} with the words as parameters `:w<n>` and their typo names as `:typo<n>`. */
function namedScoreSql(words: number, alias: string): string {
  return Array.from({ length: words }, (_, i) => wordScoreSql(alias, `:w${i + 1}::text`, `:typo${i + 1}::text[]`)).join(' + ');
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
  const scores = terms.filter(isWord).map((term) => wordScoreSql(alias, l(term.text), textArraySql(typoNames(term), l)));
  return scores.length ? scores.join(' + ') : '0';
}

/** One word's part of the relevance score (see levelOf), given the word and its typo names as SQL. */
const wordScoreSql = (alias: string, word: string, names: string) =>
  `CASE WHEN ${alias}.first_key = ${word} OR ${alias}.last_key = ${word} THEN 2
        WHEN ${alias}.first_key = ANY(${names}) OR ${alias}.last_key = ANY(${names}) THEN 1 ELSE 0 END`;

const relevanceOrder = (alias: string) => `${alias}.score DESC, ${alias}.last_key, ${alias}.first_key, ${alias}.id`;
/** A relevance position as the cursor stores it: [score, last key, first key] (see relevanceKey). */
const relevanceValue = (alias: string) => `json_build_array(${alias}.score, ${alias}.last_key, ${alias}.first_key)::text`;

/** Rows after the cursor in relevance order (`key` names the score, keys and id of a row). */
function afterRelevanceSql(key: { score: string; last: string; first: string; id: string }, after: RelevanceKey | null | undefined, bind: Bind): string {
  if (!after) return 'true';
  const s = `${bind(after.score)}::int`;
  return `(${key.score} < ${s} OR (${key.score} = ${s} AND (${key.last}, ${key.first}, ${key.id}) > (${bind(after.last)}::text, ${bind(after.first)}::text, ${bind(after.id)}::uuid)))`;
}

/** The page (`page`: id, keys, score) as API rows, in relevance order. */
const pageRowsSql = (t: string) =>
  `SELECT ${VIEW}, ${relevanceValue('page')} AS sort_value FROM page JOIN crm.contacts c ON c.tenant_id = ${t} AND c.id = page.id
    ORDER BY ${relevanceOrder('page')}`;

/** The ordered path's statements, one per word count (parameters as {@link orderedSearch} fills them). */
const ORDERED_ONE_WORD = orderedStatement(1);
const ORDERED_TWO_WORDS = orderedStatement(2);
const CHANNEL_SEARCH = channelSearchStatement();
