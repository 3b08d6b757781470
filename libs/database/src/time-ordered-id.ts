import { randomFillSync } from 'node:crypto';

/**
 * Row ids that sort by creation time: UUID version 7 (RFC 9562): 48 bits of Unix milliseconds,
 * the version, 12 bits of sequence, the variant and 62 random bits. New rows land at the
 * right-hand end of a `(tenant_id, id)` index instead of on a random page of it, so a large import
 * keeps touching the same few index pages rather than all of them. Ids made by one process only
 * ever increase: within a millisecond the 12 sequence bits count up from a random start (RFC 9562
 * method 1), borrowing the next millisecond when they run out. Ids are never secrets; the 62
 * random bits keep them unguessable all the same.
 */
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(RANDOM_BYTES * 512);
let poolOffset = pool.length;
let lastMs = 0;
let sequence = 0;

export function timeOrderedId(now: number = Date.now()): string {
  if (poolOffset + RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = pool.subarray(poolOffset, poolOffset + RANDOM_BYTES);
  poolOffset += RANDOM_BYTES;
  if (now > lastMs) {
    lastMs = now;
    // A random start in the lower half leaves room for at least 2,048 ids in the millisecond.
    sequence = r.readUInt16BE(8) & 0x7ff;
  } else if (++sequence > 0xfff) {
    lastMs++;
    sequence = r.readUInt16BE(8) & 0x7ff;
  }
  const time = lastMs.toString(16).padStart(12, '0');
  const version = (0x7000 | sequence).toString(16);
  const variant = (((r[0] & 0x3f) | 0x80) * 256 + r[1]).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-${version}-${variant}-${r.toString('hex', 2, 8)}`;
}
