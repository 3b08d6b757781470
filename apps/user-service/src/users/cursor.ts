import { BadRequestError } from '@engage/errors';
import type { UserPageCursor } from './users.repository';

/** Opaque cursors: base64url JSON of the last row's sort key. A tampered cursor is a 400. */
export const encodeCursor = (c: UserPageCursor): string => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

export function decodeCursor(cursor: string): UserPageCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new BadRequestError('The cursor is not valid.', { field: 'cursor' });
  }
}
