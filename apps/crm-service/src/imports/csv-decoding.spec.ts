import { CsvDecoder, hasUnreadableText } from './csv-decoding';

/** Decodes `bytes` in chunks of `size`, as the runner does with the stored chunks. */
function decodeInChunks(bytes: Buffer, size: number): { text: string; encoding: string | null } {
  const decoder = new CsvDecoder();
  let text = '';
  for (let at = 0; at < bytes.length; at += size) text += decoder.decode(bytes.subarray(at, at + size));
  text += decoder.end();
  return { text, encoding: decoder.encoding };
}

const cp1252 = (text: string) => Buffer.from(text, 'latin1');

describe('CSV decoding', () => {
  it('tells UTF-8, UTF-16 and Windows-1252 apart', () => {
    expect(decodeInChunks(Buffer.from('naïve,café\n'), 64)).toEqual({ text: 'naïve,café\n', encoding: 'utf-8' });
    expect(decodeInChunks(Buffer.from([0xff, 0xfe, 0x61, 0x00, 0xe9, 0x00]), 64)).toEqual({ text: 'aé', encoding: 'utf-16le' });
    expect(decodeInChunks(Buffer.from([0xfe, 0xff, 0x00, 0x61, 0x00, 0xe9]), 64)).toEqual({ text: 'aé', encoding: 'utf-16be' });
    expect(decodeInChunks(cp1252('na\xefve,caf\xe9\n'), 64)).toEqual({ text: 'naïve,café\n', encoding: 'windows-1252' });
  });

  it('reads a Windows-1252 byte after 665 KB of ASCII as Windows-1252, not U+FFFD', () => {
    const ascii = 'Name,Email\n' + 'Ada Lovelace,ada@example.com\n'.repeat(23_000);
    const bytes = Buffer.concat([Buffer.from(ascii), cp1252('Jos\xe9 \x80uro,jose@example.com\n')]);
    const { text, encoding } = decodeInChunks(bytes, 64 * 1024);
    expect(encoding).toBe('windows-1252');
    expect(text.endsWith('José €uro,jose@example.com\n')).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });

  it('switches exactly when the Windows-1252 byte is the last byte of a chunk, or of the file', () => {
    const head = 'a'.repeat(63);
    const bytes = Buffer.concat([Buffer.from(head), cp1252('\xe9,b\n')]);
    expect(decodeInChunks(bytes, 64).text).toBe(`${head}é,b\n`);
    expect(decodeInChunks(cp1252('abc,d\xe9'), 64).text).toBe('abc,dé');
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const bytes = Buffer.from('x'.repeat(63) + 'é,ü\n');
    expect(decodeInChunks(bytes, 64)).toEqual({ text: `${'x'.repeat(63)}é,ü\n`, encoding: 'utf-8' });
  });

  it('marks the unreadable characters of a file mixing UTF-8 and Windows-1252, so their rows are refused', () => {
    const bytes = Buffer.concat([Buffer.from('Zoë,zoe@example.com\n'), cp1252('Jos\xe9,jose@example.com\n')]);
    const rows = decodeInChunks(bytes, 64).text.trim().split('\n').map((line) => line.split(','));
    expect(rows.map(hasUnreadableText)).toEqual([false, true]);
  });
});
