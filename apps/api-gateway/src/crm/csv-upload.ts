import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { MAX_IMPORT_BYTES } from '@engage/contracts';
import { BadRequestError, DomainError, ValidationError } from '@engage/errors';
import { ErrorCode } from '@engage/contracts';
import { CSV_STREAM_TYPES, mediaTypeOf } from '../http/body-parsers';

export class PayloadTooLargeError extends DomainError {
  constructor() {
    super(ErrorCode.payloadTooLarge, 413, `A CSV import may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`);
  }
}

/** What the client sent: the file's bytes as a stream, and the options given as form fields. */
export interface CsvUpload {
  stream: Readable | null;
  filename: string | null;
  fields: Record<string, string>;
}

/**
 * The uploaded CSV, without buffering it: a `text/csv` body is the request stream itself; a
 * multipart form gives its `file` part (options as fields before it).
 */
export async function csvUpload(req: FastifyRequest): Promise<CsvUpload> {
  const type = mediaTypeOf(req);
  if (CSV_STREAM_TYPES.includes(type)) return { stream: (req.body as Readable | undefined) ?? null, filename: null, fields: {} };
  if (type === 'multipart/form-data' && typeof req.isMultipart === 'function' && req.isMultipart()) {
    const fields: Record<string, string> = {};
    for await (const part of req.parts()) {
      if (part.type === 'file') return { stream: part.file, filename: part.filename?.slice(0, 255) || null, fields };
      if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
    throw new ValidationError('The form has no file.', { fields: { file: ['attach the CSV as a file field'] } });
  }
  throw new BadRequestError('Send the CSV as a text/csv body or as a multipart/form-data file.');
}

/** Cuts a byte stream into chunks of `size` bytes (the last one shorter), refusing more than `max` bytes in all. */
export async function* chunksOf(stream: AsyncIterable<Buffer | string>, size: number, max: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  let total = 0;
  for await (const piece of stream) {
    let buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += buf.length;
    if (total > max) throw new PayloadTooLargeError();
    while (held + buf.length >= size) {
      const take = size - held;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      held = 0;
      buf = buf.subarray(take);
    }
    if (buf.length) {
      parts.push(buf);
      held += buf.length;
    }
  }
  if (held) yield Buffer.concat(parts);
}

/** `mapping` arrives as a JSON string (query or form field). */
export function parseMapping(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ValidationError('The request is not valid.', { fields: { mapping: ['must be a JSON object of CSV header → field'] } });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new ValidationError('The request is not valid.', { fields: { mapping: ['must be a JSON object of CSV header → field'] } });
  }
  return parsed as Record<string, string>;
}
