/**
 * Turns the bytes of an uploaded CSV into text, chunk by chunk, judging the whole file rather
 * than its start:
 *
 * - a byte-order mark says UTF-8 or UTF-16 (LE/BE);
 * - otherwise the file is read as UTF-8, and as long as everything read so far is ASCII (the
 *   same bytes in UTF-8 and Windows-1252), the first byte that is not valid UTF-8 switches the
 *   rest of the file to Windows-1252 (what spreadsheet software exports as "CSV" on many
 *   machines), from that byte on: a Windows-1252 `é` after 665 KB of ASCII is read as `é`;
 * - a file that mixes valid UTF-8 with bytes that are not (two encodings in one file) cannot be
 *   read right either way: its unreadable characters come out as U+FFFD, and every row holding
 *   one is refused with {@link UNREADABLE_ROW} rather than stored (see {@link hasUnreadableText}).
 */
export class CsvDecoder {
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  encoding: string | null = null;
  /** No BOM, and every character decoded so far is ASCII: a switch to Windows-1252 is still exact. */
  private asciiSoFar = false;
  /** Trailing bytes of the last chunk the UTF-8 decoder holds back (start of an unfinished sequence). */
  private heldBack: Buffer = Buffer.alloc(0);

  decode(chunk: Buffer): string {
    if (!this.decoder) this.start(chunk);
    if (!this.asciiSoFar) return this.decoder!.decode(chunk, { stream: true });
    const text = this.decoder!.decode(chunk, { stream: true });
    if (isAscii(text)) {
      this.heldBack = trailingNonAscii(Buffer.concat([this.heldBack, chunk]));
      return text;
    }
    // The first undecodable byte, with only ASCII before it: the file is not UTF-8 at all.
    const bad = text.indexOf('\uFFFD');
    if (bad >= 0 && isAscii(text.slice(0, bad)) && !containsEncodedReplacement(chunk)) return this.switchToWindows1252(chunk);
    this.asciiSoFar = false;
    return text;
  }

  end(): string {
    if (!this.decoder) return '';
    const rest = this.decoder.decode();
    if (this.asciiSoFar && rest.includes('\uFFFD')) return this.switchToWindows1252(Buffer.alloc(0)) + this.decoder.decode();
    return rest;
  }

  private start(first: Buffer): void {
    this.encoding = encodingByBom(first) ?? 'utf-8';
    this.asciiSoFar = encodingByBom(first) === null;
    this.decoder = new TextDecoder(this.encoding, { fatal: false, ignoreBOM: false });
  }

  /** Everything before was ASCII: decode the held-back bytes and this chunk as Windows-1252, and the rest of the file too. */
  private switchToWindows1252(chunk: Buffer): string {
    this.encoding = 'windows-1252';
    this.asciiSoFar = false;
    this.decoder = new TextDecoder('windows-1252');
    const text = this.decoder.decode(Buffer.concat([this.heldBack, chunk]), { stream: true });
    this.heldBack = Buffer.alloc(0);
    return text;
  }
}

/** The reason a row with characters the file's encoding could not represent is refused. */
export const UNREADABLE_ROW =
  'the row has characters that are not valid in the file’s encoding (the file mixes UTF-8 with another encoding); save the file as UTF-8 and import it again';

/** Whether decoded cells hold U+FFFD, the mark of bytes that could not be decoded. */
export const hasUnreadableText = (cells: string[]): boolean => cells.some((cell) => cell.includes('\uFFFD'));

export function encodingByBom(start: Buffer): string | null {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return 'utf-8';
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  return null;
}

const NON_ASCII = /[^\u0000-\u007f]/;
const isAscii = (text: string): boolean => !NON_ASCII.test(text);

/** The bytes at the end of `bytes` that are not ASCII (at most 3: an unfinished UTF-8 sequence). */
function trailingNonAscii(bytes: Buffer): Buffer {
  let start = bytes.length;
  while (start > 0 && bytes.length - start < 3 && bytes[start - 1] >= 0x80) start--;
  return Buffer.from(bytes.subarray(start));
}

/** Whether the chunk holds U+FFFD itself, encoded as UTF-8 (EF BF BD): then U+FFFD in the text is data. */
const containsEncodedReplacement = (chunk: Buffer): boolean => chunk.includes(Buffer.from([0xef, 0xbf, 0xbd]));
