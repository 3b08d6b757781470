import { randomUUID } from 'node:crypto';
import { DomainError } from '@engage/errors';
import { decodeCursor, encodeCursor } from './keyset';

describe('keyset cursors', () => {
  it('round-trips the sort key and id', () => {
    const cursor = { s: '-created_at', v: '2026-01-01T00:00:00.000001Z', id: randomUUID() };
    expect(decodeCursor(encodeCursor(cursor), '-created_at')).toEqual(cursor);
    expect(decodeCursor(undefined, 'name')).toBeNull();
  });

  it.each([
    ['not base64 url', 'a+b/c='],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['another sort', encodeCursor({ s: 'name', v: 'x', id: randomUUID() })],
    ['a bad id', encodeCursor({ s: '-created_at', v: 'x', id: "1' OR '1'='1" })],
    ['an object value', Buffer.from(JSON.stringify({ s: '-created_at', v: { a: 1 }, id: randomUUID() })).toString('base64url')],
  ])('refuses a cursor with %s as a 400 on the cursor field', (_what, raw) => {
    let error: unknown;
    try {
      decodeCursor(raw, '-created_at');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 400, details: { fields: { cursor: expect.any(Array) } } });
  });
});
