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

/** The 400 every unusable cursor gets. */
export const invalidCursor = () => new BadRequestError('The cursor is not valid for this list.', { fields: { cursor: ['cursor is not valid for this list'] } });

/**
 * What a sort's cursor value must be, checked before it reaches SQL: an ISO-8601 UTC time (as
 * `isoTime` writes it), a 32-bit integer, or text without NUL (which PostgreSQL text cannot hold).
 * A cursor that fails is a 400, never a cast error from the database.
 */
export type CursorValueKind = 'timestamp' | 'integer' | 'text';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;
const INT32 = 2 ** 31;

/** A real UTC time in ISO-8601 form (no 30 February, no hour 24), years 1 to 9999. */
export function isIsoTime(value: string): boolean {
  const m = ISO_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second);
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** Text PostgreSQL can store and compare: no NUL, within the cursor's size limit. */
export const isCursorText = (value: unknown): value is string => typeof value === 'string' && value.length <= 1000 && !value.includes('\u0000');

export const isInt32 = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= -INT32 && value < INT32;

const VALUE_CHECKS: Record<CursorValueKind, (v: unknown) => boolean> = {
  timestamp: (v) => typeof v === 'string' && isIsoTime(v),
  integer: isInt32,
  text: isCursorText,
};

/**
 * Reads a cursor made for `sort`; with `kind`, its value must also be of that kind (see
 * {@link CursorValueKind}). Anything else than what a page wrote is a 400 `bad_request`.
 */
export function decodeCursor(raw: string | undefined, sort: string, kind?: CursorValueKind): Cursor | null {
  if (raw === undefined || raw === '') return null;
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const c = parsed as Partial<Cursor> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    c.s !== sort ||
    typeof c.id !== 'string' ||
    !UUID.test(c.id) ||
    !(c.v === null || typeof c.v === 'string' || (typeof c.v === 'number' && Number.isFinite(c.v))) ||
    (typeof c.v === 'string' && c.v.length > 1000) ||
    (kind !== undefined && !VALUE_CHECKS[kind](c.v))
  ) {
    throw invalidCursor();
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
