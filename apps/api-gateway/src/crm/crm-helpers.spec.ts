import { chunksOf, parseMapping } from './csv-upload';
import { defuse } from './contacts-csv';

describe('crm gateway helpers', () => {
  it('cuts an upload into fixed-size chunks and stops past the limit with 413', async () => {
    async function* source() {
      yield Buffer.alloc(5, 1);
      yield Buffer.alloc(7, 2);
    }
    const chunks: number[] = [];
    for await (const c of chunksOf(source(), 4, 100)) chunks.push(c.length);
    expect(chunks).toEqual([4, 4, 4]);
    const tooBig = async () => {
      for await (const _ of chunksOf(source(), 4, 10)) void _;
    };
    await expect(tooBig()).rejects.toMatchObject({ status: 413 });
  });

  it('accepts a JSON mapping of strings only', () => {
    expect(parseMapping('{"Mail":"email"}')).toEqual({ Mail: 'email' });
    expect(() => parseMapping('[1]')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseMapping('{"a":1}')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('defuses spreadsheet formulas in exported cells', () => {
    expect(defuse('=1+1')).toBe("'=1+1");
    expect(defuse('@cmd')).toBe("'@cmd");
    expect(defuse('Ada')).toBe('Ada');
  });
});
