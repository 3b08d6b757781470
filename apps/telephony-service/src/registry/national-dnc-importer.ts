import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { Tx } from '@engage/database';
import { timeOrderedId } from '@engage/database';
import { coveringPrefix, DncFileError, type DncListHeader, type ListedNumber, NationalDncFileReader, parseListDate } from './national-dnc-file';
import { NationalDncWriter } from './national-dnc.writer';

/** Where a list comes from; opened twice (a first pass hashes it and reads its directives). */
export interface DncSource {
  name: string;
  open(): Readable;
}

export const fileSource = (path: string): DncSource => ({ name: basename(path), open: () => createReadStream(path) });
export const textSource = (name: string, text: string): DncSource => ({ name, open: () => Readable.from([Buffer.from(text, 'utf8')]) });

/** A connection of the schema's owner role that can run a transaction. */
export interface RegistryConnection {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface DncImportProgress {
  lines: number;
  numbers: number;
  invalid: number;
}

export interface DncImportOptions {
  /** The list's date when the file has no `# date:` directive (both given: they must agree). */
  date?: string | null;
  /** Today, for refusing a list dated in the future. */
  now?: Date;
  /** Numbers written per statement. */
  batchSize?: number;
  onProgress?: (progress: DncImportProgress) => void;
  /** Lines between two progress reports. */
  progressEvery?: number;
}

export interface InvalidLine {
  line: number;
  reason: string;
}

export interface DncImportReport {
  /** `already_loaded`: the same content with the same date was loaded before; nothing changed. */
  outcome: 'loaded' | 'already_loaded';
  list_id: string;
  list_date: string;
  source_file: string;
  prefixes: string[];
  lines: number;
  /** Numbers the list names: distinct ones it now decides, plus the superseded lines. */
  listed: number;
  /** Number lines left alone because a newer list covers them (a repeated line counts each time). */
  superseded: number;
  /** Known numbers under the list's prefixes that it does not name, now clear as of its date. */
  cleared: number;
  invalid: number;
  /** The first invalid lines, for the operator to fix the file. */
  invalid_samples: InvalidLine[];
}

const DEFAULT_BATCH = 5000;
const DEFAULT_PROGRESS_EVERY = 100_000;
const INVALID_SAMPLES = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Loads one national Do-Not-Call file into the registry, in one transaction: the list with its date
 * and covered prefixes, its numbers marked listed, and every other known number under those
 * prefixes marked clear as of its date. The newest list covering a number decides it (list date,
 * then load order), so loading an older file never overrides a newer one. Loading the same content
 * with the same date again changes nothing. The file is streamed and written in batches, so a
 * million lines take memory for one batch only.
 */
export async function importNationalDnc(db: RegistryConnection, source: DncSource, options: DncImportOptions = {}): Promise<DncImportReport> {
  const scan = await scanSource(source);
  const header = checkHeader(scan.header, options.date ?? null, options.now ?? new Date());
  const writer = new NationalDncWriter();
  return db.transaction(async (tx) => {
    await writer.lock(tx);
    const loaded = await writer.findLoaded(tx, scan.sha256, header.date);
    if (loaded) {
      return {
        outcome: 'already_loaded' as const,
        list_id: loaded.id,
        list_date: loaded.list_date,
        source_file: loaded.source_file,
        prefixes: header.prefixes,
        lines: scan.lines,
        listed: loaded.number_count,
        superseded: 0,
        cleared: 0,
        invalid: 0,
        invalid_samples: [],
      };
    }
    const listId = timeOrderedId();
    const loadedAt = await writer.insertList(tx, listId, { list_date: header.date, source_file: source.name, content_sha256: scan.sha256, prefixes: header.prefixes });
    const shadowed = await writer.newerOverlappingPrefixes(tx, listId, header.date, loadedAt, header.prefixes);
    const load = await loadNumbers(tx, writer, source, scan.sha256, { listId, date: header.date, shadowed }, options);
    let cleared = 0;
    for (const prefix of header.prefixes) {
      if (shadowed.some((newer) => prefix.startsWith(newer))) continue;
      cleared += await writer.clearUnlisted(tx, listId, header.date, prefix, shadowed.filter((newer) => newer.startsWith(prefix)));
    }
    await writer.finishList(tx, listId, load.listed + load.superseded, load.invalid);
    return {
      outcome: 'loaded' as const,
      list_id: listId,
      list_date: header.date,
      source_file: source.name,
      prefixes: header.prefixes,
      lines: load.lines,
      listed: load.listed + load.superseded,
      superseded: load.superseded,
      cleared,
      invalid: load.invalid,
      invalid_samples: load.samples,
    };
  });
}

/** The date and coverage a list must have before anything is written. */
function checkHeader(header: DncListHeader, optionDate: string | null, now: Date): DncListHeader & { date: string } {
  const given = optionDate === null ? null : parseListDate(optionDate, '--date');
  if (header.date && given && header.date !== given) {
    throw new DncFileError(`the file is dated ${header.date} but --date says ${given}; drop one of them`);
  }
  const date = header.date ?? given;
  if (!date) throw new DncFileError('the list has no date: add a "# date: YYYY-MM-DD" line or pass --date');
  if (Date.parse(`${date}T00:00:00Z`) > now.getTime() + DAY_MS) {
    throw new DncFileError(`the list is dated ${date}, in the future: a scrub cannot be newer than today`);
  }
  if (header.prefixes.length === 0) {
    throw new DncFileError('the list does not say what it covers: add "# area-codes: 415, 628" or "# prefixes: +1415" before the numbers');
  }
  return { ...header, date };
}

/** First pass: the content's hash (what makes an import idempotent) and the directives, checked. */
async function scanSource(source: DncSource): Promise<{ sha256: string; header: DncListHeader; lines: number }> {
  const reader = new NationalDncFileReader();
  const hash = createHash('sha256');
  let lines = 0;
  await eachLine(source, hash, (line) => {
    lines++;
    const text = line.trim();
    if (text.startsWith('#')) reader.read(line, lines);
    else if (text !== '') reader.endOfDirectives();
  });
  return { sha256: hash.digest('hex'), header: reader.endOfDirectives(), lines };
}

/** Second pass: the numbers, in batches (each number once per batch), checked against the first pass's hash. */
async function loadNumbers(
  tx: Tx,
  writer: NationalDncWriter,
  source: DncSource,
  sha256: string,
  list: { listId: string; date: string; shadowed: string[] },
  options: DncImportOptions,
): Promise<{ lines: number; listed: number; superseded: number; invalid: number; samples: InvalidLine[] }> {
  const reader = new NationalDncFileReader();
  const hash = createHash('sha256');
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  const result = { lines: 0, listed: 0, superseded: 0, invalid: 0, samples: [] as InvalidLine[] };
  let numbers = 0;
  let batch = new Map<string, ListedNumber>();
  // One batch is written while the next is parsed: parsing costs about as much as writing.
  let inFlight: Promise<number> | null = null;
  const flush = async () => {
    if (inFlight) result.listed += await inFlight;
    const numbersInBatch = [...batch.values()];
    batch = new Map();
    inFlight = numbersInBatch.length > 0 ? writer.upsertListed(tx, list.listId, list.date, numbersInBatch) : null;
    // Its failure surfaces where it is awaited (next flush or the end), not as an unhandled rejection meanwhile.
    inFlight?.catch(() => undefined);
  };
  await eachLine(source, hash, async (line) => {
    result.lines++;
    const outcome = reader.read(line, result.lines);
    if (outcome.kind === 'number') {
      numbers++;
      if (list.shadowed.length > 0 && coveringPrefix(outcome.number.e164, list.shadowed)) result.superseded++;
      else batch.set(outcome.number.e164, outcome.number);
      if (batch.size >= batchSize) await flush();
    } else if (outcome.kind === 'invalid') {
      result.invalid++;
      if (result.samples.length < INVALID_SAMPLES) result.samples.push({ line: result.lines, reason: outcome.reason });
    }
    if (result.lines % progressEvery === 0) options.onProgress?.({ lines: result.lines, numbers, invalid: result.invalid });
  });
  await flush();
  if (inFlight) result.listed += await inFlight;
  if (hash.digest('hex') !== sha256) throw new DncFileError(`${source.name} changed while it was being loaded; nothing was loaded`);
  return result;
}

/** Calls `onLine` for every line of the source, in order, feeding the raw bytes to `hash`. */
async function eachLine(source: DncSource, hash: ReturnType<typeof createHash>, onLine: (line: string) => void | Promise<void>): Promise<void> {
  const stream = source.open();
  stream.on('data', (chunk: Buffer | string) => hash.update(chunk));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) await onLine(line);
  } finally {
    lines.close();
    stream.destroy();
  }
}
