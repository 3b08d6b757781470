import { BadRequestError } from '@engage/errors';
import { decodeCursor as decodeKeyset, encodeCursor as encodeKeyset } from '@engage/database';
import type { UserPageCursor } from './users.repository';

/** Users are listed by creation time: the shared keyset cursor, with its value checked to be a time. */
const SORT = 'created_at';

export const encodeCursor = (c: UserPageCursor): string => encodeKeyset({ s: SORT, v: c.createdAt, id: c.id });

export function decodeCursor(raw: string): UserPageCursor {
  const cursor = decodeKeyset(raw, SORT);
  if (!cursor || typeof cursor.v !== 'string' || Number.isNaN(Date.parse(cursor.v))) {
    throw new BadRequestError('The cursor is not valid for this list.', { fields: { cursor: ['cursor is not valid for this list'] } });
  }
  return { createdAt: cursor.v, id: cursor.id };
}
