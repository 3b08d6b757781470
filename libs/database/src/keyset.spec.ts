import { randomUUID } from 'node:crypto';
import { DomainError } from '@engage/errors';
import { type CursorValueKind, decodeCursor, encodeCursor, isIsoTime } from './keyset';

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
  it.each<[CursorValueKind, unknown, boolean]>([
    ['timestamp', '2026-01-01T00:00:00.000001Z', true],
    ['timestamp', '2024-02-29T23:59:59Z', true],
    ['timestamp', '2026-02-29T00:00:00Z', false],
    ['timestamp', '2026-01-01T24:00:00Z', false],
    ['timestamp', 'yesterday', false],
    ['timestamp', 1700000000, false],
    ['integer', 42, true],
    ['integer', -7, true],
    ['integer', 2 ** 31, false],
    ['integer', 1.5, false],
    ['integer', '42', false],
    ['text', 'Smith', true],
    ['text', 'a\u0000b', false],
    ['text', 5, false],
    ['text', null, false],
  ])('checks a %s cursor value %j (accepted: %s), refusing with 400 bad_request', (kind, v, accepted) => {
    const raw = Buffer.from(JSON.stringify({ s: 'x', v, id: randomUUID() })).toString('base64url');
    if (accepted) expect(decodeCursor(raw, 'x', kind)).toMatchObject({ v });
    else expect(() => decodeCursor(raw, 'x', kind)).toThrow(expect.objectContaining({ status: 400, code: 'bad_request' }));
  });

  it('reads only real UTC times as times', () => {
    expect(isIsoTime('0001-01-01T00:00:00Z')).toBe(true);
    expect(isIsoTime('0000-01-01T00:00:00Z')).toBe(false);
    expect(isIsoTime('2026-04-31T00:00:00Z')).toBe(false);
    expect(isIsoTime('2026-01-01T00:00:00+02:00')).toBe(false);
  });
});
