import type { Literal } from '@engage/database';
import type { SearchTerm } from './contact-search';
import { SORT_COLUMNS, VIEW } from './contact-columns';
import type { ContactListFilter } from './contacts.repository';

/** Rows one search arm may contribute: a one-letter prefix must not turn into a million-row sort. */
const ARM_LIMIT = 5000;
/** Ids an email or company prefix may contribute. */
const LOOKUP_LIMIT = 2000;

/**
 * The search, built from btree lookups only (under row-level security only LEAKPROOF operators
 * become index conditions: equality, ranges and starts_with on text qualify; LIKE and GIN operators
 * do not). Each query term is a UNION of small lookups, each answered by an index-only scan of a
 * covering index (id, first and last name keys): names one typo away, name prefixes, companies
 * whose name starts with the word, emails that start with it, phones that end with its digits.
 * The terms are intersected on the id, scored from the keys alone (an exact name beats a typo or a
 * prefix), and only the page's rows are read from the table. Filters other than `q`, and sorts
 * other than relevance, read the matching rows.
 */
export function searchSql(tenantId: string, filter: ContactListFilter, liveness: string, filters: string[], l: Literal): string {
  const t = l(tenantId);
  const live = `c.tenant_id = ${t} AND c.deleted_at ${filter.deleted ? 'IS NOT NULL' : 'IS NULL'}`;
  const arm = (condition: string, limit = ARM_LIMIT) =>
    `(SELECT c.id, c.first_key, c.last_key, c.company_id FROM crm.contacts c WHERE ${live} AND ${condition} LIMIT ${limit})`;
  const channelIds = (prefix: string) =>
    `ARRAY(SELECT ch.contact_id FROM crm.contact_channels ch WHERE ch.tenant_id = ${t} AND starts_with(ch.value, ${l(prefix)}) LIMIT ${LOOKUP_LIMIT})`;
  const companyIds = (word: string) =>
    `ARRAY(SELECT co.id FROM crm.companies co WHERE co.tenant_id = ${t} AND starts_with(co.name_sort, ${l(word)}) AND co.deleted_at IS NULL LIMIT ${LOOKUP_LIMIT})`;
  const namesOf = (term: Extract<SearchTerm, { kind: 'word' }>) => `ARRAY[${(term.names ?? [term.text]).map((n) => l(n)).join(', ')}]::text[]`;

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
  const scores = filter.terms
    .filter((term): term is Extract<SearchTerm, { kind: 'word' }> => term.kind === 'word')
    .map((term) => {
      const word = l(term.text);
      const names = namesOf(term);
      return `CASE WHEN h.first_key = ${word} OR h.last_key = ${word} THEN 2 WHEN h.first_key = ANY(${names}) OR h.last_key = ANY(${names}) THEN 1 ELSE 0 END`;
    });
  const score = scores.length ? scores.join(' + ') : '0';
  const matched = `SELECT h.id, (${score})::int AS score FROM (${armsOf(driver)}) h${others.length ? ` WHERE ${others.map(testOf).join(' AND ')}` : ''}`;

  const dir = filter.sort.descending ? 'DESC' : 'ASC';
  const op = filter.sort.descending ? '<' : '>';
  const after = (column: string, cast: string) =>
    filter.after ? `AND (${column}, h.id) ${op} (${filter.after.v === null ? 'NULL' : `${l(filter.after.v)}::${cast}`}, ${l(filter.after.id)}::uuid)` : '';

  if (filter.sort.key === 'relevance' && filters.length === 0 && !filter.deleted) {
    return `WITH matched AS (${matched}),
            page AS (SELECT h.id, h.score FROM matched h WHERE true ${after('h.score', 'integer')}
                      ORDER BY h.score ${dir}, h.id ${dir} LIMIT ${l(filter.take)})
            SELECT ${VIEW}, page.score AS sort_value FROM page JOIN crm.contacts c ON c.tenant_id = ${t} AND c.id = page.id
             ORDER BY page.score ${dir}, page.id ${dir}`;
  }
  const sort = filter.sort.key === 'relevance' ? { column: 'h.score', cast: 'integer', text: 'h.score' } : SORT_COLUMNS[filter.sort.key];
  return `WITH matched AS (${matched})
          SELECT ${VIEW}, ${sort.text} AS sort_value
            FROM matched h JOIN crm.contacts c ON c.tenant_id = ${t} AND c.id = h.id
           WHERE ${[`c.tenant_id = ${t}`, liveness, ...filters].join(' AND ')} ${after(sort.column, sort.cast)}
           ORDER BY ${sort.column} ${dir}, h.id ${dir} LIMIT ${l(filter.take)}`;
}

