import { DEFAULT_PAGE_LIMIT } from '@engage/contracts';
import { BadRequestError } from '@engage/errors';

/**
 * Keyset pagination: the cursor is the sort key and id of the last row served, so a page never
 * repeats or skips a row when others are inserted or deleted meanwhile. Opaque to clients
 * (base64url JSON), and checked on the way in: a tampered cursor is a 400, not a 500.
 */
export interface Cursor {
  /** The sort the cursor was made for; a cursor is only valid with the same sort. */
  s: string;
  /** The last row's sort value (text form) and id. */
  v: string | number | null;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

const invalid = () => new BadRequestError('The cursor is not valid for this list.', { fields: { cursor: ['cursor is not valid for this list'] } });

export function decodeCursor(raw: string | undefined, sort: string): Cursor | null {
  if (raw === undefined || raw === '') return null;
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const c = parsed as Partial<Cursor> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    c.s !== sort ||
    typeof c.id !== 'string' ||
    !UUID.test(c.id) ||
    !(c.v === null || typeof c.v === 'string' || (typeof c.v === 'number' && Number.isFinite(c.v))) ||
    (typeof c.v === 'string' && c.v.length > 1000)
  ) {
    throw invalid();
  }
  return { s: c.s, v: c.v ?? null, id: c.id };
}

export const pageLimit = (limit: number | undefined) => limit ?? DEFAULT_PAGE_LIMIT;

/** A parsed `sort` parameter: the column key and its direction. */
export interface SortSpec {
  key: string;
  descending: boolean;
  raw: string;
}

export const parseSort = (sort: string): SortSpec => ({ key: sort.replace(/^-/, ''), descending: sort.startsWith('-'), raw: sort });

/**
 * A page of `limit` rows out of `limit + 1` fetched: the extra row only says there is more. The
 * cursor is the last served row's sort value and id; `sort_value` is stripped from the rows.
 */
export function toPage<Row extends { id: string; sort_value: string | number | null }>(
  rows: Row[],
  limit: number,
  sort: string,
): { data: Array<Omit<Row, 'sort_value'>>; page: { has_more: boolean; next_cursor: string | null } } {
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(({ sort_value: _sort, ...row }) => row),
    page: { has_more: hasMore, next_cursor: hasMore && last ? encodeCursor({ s: sort, v: last.sort_value, id: last.id }) : null },
  };
}
