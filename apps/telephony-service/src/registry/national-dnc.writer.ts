import type { Tx } from '@engage/database';
import type { ListedNumber } from './national-dnc-file';

/** A loaded list as the import sees it. */
export interface LoadedList {
  id: string;
  list_date: string;
  source_file: string;
  number_count: number;
  loaded_at: string;
}

export interface NewList {
  list_date: string;
  source_file: string;
  content_sha256: string;
  prefixes: string[];
}

/** Ends a range of "C"-collated E.164 strings that start with a prefix (':' sorts right after '9'). */
const rangeEnd = (prefix: string) => `${prefix}:`;

/**
 * The SQL of the registry's one writer, `npm run dnc:import`, run as the schema's owner role (the
 * runtime role may only read these tables). Everything happens in the import's one transaction, so
 * readers see the previous state until the whole list is in.
 */
export class NationalDncWriter {
  /** One import at a time: which list is newest, and what it decides, must not interleave. */
  async lock(tx: Tx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('telephony.national_dnc_import', 0))`);
  }

  /** The list already loaded from the same content with the same date (an import is idempotent). */
  async findLoaded(tx: Tx, contentSha256: string, listDate: string): Promise<LoadedList | null> {
    const rows: LoadedList[] = await tx.query(
      `SELECT id, to_char(list_date, 'YYYY-MM-DD') AS list_date, source_file, number_count, loaded_at::text AS loaded_at
         FROM telephony.national_dnc_lists WHERE content_sha256 = $1 AND list_date = $2::date`,
      [contentSha256, listDate],
    );
    return rows[0] ?? null;
  }

  /** Records the list (counts are filled in at the end) and returns when it was loaded, its place in the order. */
  async insertList(tx: Tx, id: string, list: NewList): Promise<string> {
    const rows: Array<{ loaded_at: string }> = await tx.query(
      `INSERT INTO telephony.national_dnc_lists (id, list_date, source_file, content_sha256, prefixes, number_count, invalid_count)
       VALUES ($1, $2::date, $3, $4, $5::text[], 0, 0) RETURNING loaded_at::text AS loaded_at`,
      [id, list.list_date, list.source_file, list.content_sha256, list.prefixes],
    );
    return rows[0].loaded_at;
  }

  /**
   * Prefixes of lists newer than this one that overlap its prefixes (one inside the other). Numbers
   * under them are decided by those lists, so this one must leave them alone; "newer" is the order
   * the lookup uses: list date, then load time.
   */
  async newerOverlappingPrefixes(tx: Tx, id: string, listDate: string, loadedAt: string, prefixes: string[]): Promise<string[]> {
    const rows: Array<{ prefix: string }> = await tx.query(
      `SELECT DISTINCT np AS prefix
         FROM telephony.national_dnc_lists m CROSS JOIN LATERAL unnest(m.prefixes) AS np
        WHERE m.id <> $1 AND (m.list_date, m.loaded_at, m.id) > ($2::date, $3::timestamptz, $1::uuid)
          AND EXISTS (SELECT 1 FROM unnest($4::text[]) AS p(prefix) WHERE starts_with(np, p.prefix) OR starts_with(p.prefix, np))
        ORDER BY 1`,
      [id, listDate, loadedAt, prefixes],
    );
    return rows.map((r) => r.prefix);
  }

  /**
   * Marks these numbers listed by this list, creating their registry rows, and returns how many it
   * newly marked: a number the file repeats is counted once. Each number at most once per call.
   */
  async upsertListed(tx: Tx, listId: string, listDate: string, numbers: ListedNumber[]): Promise<number> {
    if (numbers.length === 0) return 0;
    const rows: Array<{ n: number }> = await tx.query(
      `WITH marked AS (
         INSERT INTO telephony.phone_numbers AS p (e164, country, line_type, national_dnc_listed, national_dnc_list_id, national_dnc_list_date, updated_at)
         SELECT t.e164, t.country, t.line_type, true, $4, $5::date, now() FROM unnest($1::text[], $2::text[], $3::text[]) AS t(e164, country, line_type)
         ON CONFLICT (e164) DO UPDATE SET country = EXCLUDED.country, line_type = EXCLUDED.line_type, national_dnc_listed = true,
           national_dnc_list_id = EXCLUDED.national_dnc_list_id, national_dnc_list_date = EXCLUDED.national_dnc_list_date, updated_at = now()
          WHERE p.national_dnc_list_id IS DISTINCT FROM EXCLUDED.national_dnc_list_id
         RETURNING 1)
       SELECT count(*)::int AS n FROM marked`,
      [numbers.map((n) => n.e164), numbers.map((n) => n.country), numbers.map((n) => n.line_type), listId, listDate],
    );
    return rows[0].n;
  }

  /**
   * Every known number under `prefix` that this list did not name is clear as of this list, except
   * those under `shadowed` (newer lists' prefixes inside this one). One range scan of the key.
   */
  async clearUnlisted(tx: Tx, listId: string, listDate: string, prefix: string, shadowed: string[]): Promise<number> {
    const rows: Array<{ n: number }> = await tx.query(
      `WITH cleared AS (
         UPDATE telephony.phone_numbers p SET national_dnc_listed = false, national_dnc_list_id = $1, national_dnc_list_date = $2::date, updated_at = now()
          WHERE p.e164 >= $3 AND p.e164 < $4 AND p.national_dnc_list_id IS DISTINCT FROM $1
            AND NOT EXISTS (SELECT 1 FROM unnest($5::text[]) AS s(prefix) WHERE starts_with(p.e164, s.prefix))
         RETURNING 1)
       SELECT count(*)::int AS n FROM cleared`,
      [listId, listDate, prefix, rangeEnd(prefix), shadowed],
    );
    return rows[0].n;
  }

  async finishList(tx: Tx, listId: string, numberCount: number, invalidCount: number): Promise<void> {
    await tx.query(`UPDATE telephony.national_dnc_lists SET number_count = $2, invalid_count = $3 WHERE id = $1`, [listId, numberCount, invalidCount]);
  }
}
