import { type NamedRead, namedRead } from '@engage/database';
import { type Tx } from '@engage/database';
import { deriveSearchColumns } from './contact-search';
import { LOOKUP_LIMIT } from './contact-list-filter';

/**
 * The tenant's typo vocabulary (`crm.name_vocabulary`): each word of every first and last name
 * key under itself and its one-letter deletions (see contact-search.ts). Written with every
 * contact write, read by the first statement of a search, pruned by the purge.
 */

/** Vocabulary rows a prefix lookup reads per word; a word that reaches it is broad. */
export const PREFIX_SCAN_LIMIT = 2000;

/**
 * Adds names to the tenant's typo vocabulary (existing pairs are left alone). The pairs go in
 * sorted: two transactions adding overlapping names (an import's concurrent batches, two
 * creates) then wait on each other's pairs in the same order and cannot deadlock.
 */
export async function addVocabulary(tx: Tx, tenantId: string, unsorted: Array<[string, string]>): Promise<void> {
  if (unsorted.length === 0) return;
  const pairs = [...unsorted].sort(comparePairs);
  await tx.query(`INSERT INTO crm.name_vocabulary (tenant_id, variant, value)
     SELECT $1, v, k FROM unnest($2::text[], $3::text[]) AS t(v, k) ON CONFLICT DO NOTHING`,
    [tenantId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}

/**
 * Removes from the typo vocabulary the names (first or last name keys) that no contact of the
 * tenant carries any more, live or soft-deleted (a restored contact must still be found). The
 * pairs are derived the way a write derives them, so the removal goes by primary key.
 */
export async function pruneVocabulary(tx: Tx, tenantId: string, keys: string[]): Promise<void> {
  const candidates = [...new Set(keys.filter(Boolean))];
  if (candidates.length === 0) return;
  const held = await tx.query<{ key: string }>(`SELECT k.key FROM unnest($2::text[]) AS k(key)
      WHERE EXISTS (SELECT 1 FROM crm.contacts c WHERE c.tenant_id = $1 AND c.deleted_at IS NULL AND c.first_key = k.key)
         OR EXISTS (SELECT 1 FROM crm.contacts c WHERE c.tenant_id = $1 AND c.deleted_at IS NULL AND c.last_key = k.key)
     UNION
     SELECT unnest(ARRAY[c.first_key, c.last_key]) FROM crm.contacts c
      WHERE c.tenant_id = $1 AND c.deleted_at IS NOT NULL AND (c.first_key = ANY($2::text[]) OR c.last_key = ANY($2::text[]))`,
    [tenantId, candidates],
  );
  const stillHeld = new Set(held.map((h) => h.key));
  const pairs = candidates.filter((key) => !stillHeld.has(key)).flatMap((key) => deriveSearchColumns({ firstName: key, lastName: null }).vocabulary);
  if (pairs.length === 0) return;
  await tx.query(`DELETE FROM crm.name_vocabulary v USING unnest($2::text[], $3::text[]) AS p(variant, value)
      WHERE v.tenant_id = $1 AND v.variant = p.variant AND v.value = p.value`,
    [tenantId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}

/** The vocabulary pairs of many rows, each once. */
export const uniquePairs = (rows: Array<{ vocabulary: Array<[string, string]> }>): Array<[string, string]> => {
  const seen = new Map<string, [string, string]>();
  for (const row of rows) for (const pair of row.vocabulary) seen.set(`${pair[0]}\u0000${pair[1]}`, pair);
  return [...seen.values()];
};

const comparePairs = (a: [string, string], b: [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

const namesForSearchReads = new Map<number, NamedRead>();

/**
 * The name lookups of a search of `words` words (see ContactsRepository.namesForSearch), built
 * once per word count. Prefixes are ranges of parameters, which stay index ranges in a prepared
 * statement.
 */
export function namesForSearchRead(words: number): NamedRead {
  const built = namesForSearchReads.get(words);
  if (built) return built;
  const live = 'tenant_id = :tenant::uuid';
  const perWord = Array.from({ length: words }, (_, i) => [
    `(SELECT 'p', :word${i}::text, coalesce(array_agg(DISTINCT v.value) FILTER (WHERE starts_with(v.value, :word${i}::text)), '{}'), count(*)::int
        FROM (SELECT value FROM crm.name_vocabulary WHERE ${live} AND variant >= :lo${i}::text AND variant < :hi${i}::text LIMIT ${PREFIX_SCAN_LIMIT}) v)`,
    `(SELECT 'c', :word${i}::text, coalesce(array_agg(co.id::text), '{}'), 0
        FROM (SELECT id FROM crm.companies WHERE ${live} AND name_sort >= :lo${i}::text AND name_sort < :hi${i}::text AND deleted_at IS NULL LIMIT ${LOOKUP_LIMIT}) co)`,
  ]).flat();
  const read = namedRead(
    `crm_contact_search_names_${words}`,
    [
      `(SELECT 'v' AS kind, variant AS key, array_agg(value) AS names, 0 AS scanned
          FROM (SELECT variant, value FROM crm.name_vocabulary WHERE ${live} AND variant = ANY(:variants::text[]) LIMIT 5000) v
         GROUP BY variant)`,
      ...perWord,
    ].join(' UNION ALL '),
  );
  namesForSearchReads.set(words, read);
  return read;
}
