import { namedRead } from './named-parameters';

describe('namedRead', () => {
  it('numbers each name once, in order of first use, and leaves casts and to_char formats alone', () => {
    const read = namedRead('q', `SELECT :b::int + :a::int, :b::int, to_char(now(), 'HH24:MI:SS'), x::text FROM t WHERE y = :a`);
    expect(read.statement).toEqual({ name: 'q', text: `SELECT $1::int + $2::int, $1::int, to_char(now(), 'HH24:MI:SS'), x::text FROM t WHERE y = $2` });
    expect(read.values({ a: 1, b: 2 })).toEqual([2, 1]);
  });

  it('refuses to run with a parameter missing', () => {
    const read = namedRead<'a' | 'b'>('q', 'SELECT :a, :b');
    expect(() => read.values({ a: 1 } as never)).toThrow('statement q has no value for :b');
  });
});
