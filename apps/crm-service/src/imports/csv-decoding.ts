/**
 * Turns the bytes of an uploaded CSV into text. The encoding is decided once, from the start of
 * the file: a byte-order mark says UTF-8 or UTF-16; otherwise UTF-8 if the bytes are valid UTF-8,
 * else Windows-1252 (what spreadsheet software exports as "CSV" on many machines). A file is never
 * refused for its encoding: at worst a character becomes U+FFFD in one row.
 */
export class CsvDecoder {
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  encoding: string | null = null;

  decode(chunk: Buffer, final = false): string {
    if (!this.decoder) {
      this.encoding = detectEncoding(chunk);
      this.decoder = new TextDecoder(this.encoding, { fatal: false, ignoreBOM: false });
    }
    return this.decoder.decode(chunk, { stream: !final });
  }

  end(): string {
    return this.decoder ? this.decoder.decode() : '';
  }
}

export function detectEncoding(start: Buffer): string {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return 'utf-8';
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  // A chunk may end inside a multi-byte character: judge all but its last few bytes.
  const sample = start.subarray(0, Math.max(0, start.length - 4));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}
