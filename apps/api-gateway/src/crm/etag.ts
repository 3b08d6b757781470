import type { FastifyReply } from 'fastify';
import { PreconditionFailedError } from '@engage/errors';

/** `ETag: "<version>"` on a single resource, so a client can make its next write conditional. */
export const setEtag = (reply: FastifyReply, version: number) => {
  void reply.header('ETag', `"${version}"`);
};

/**
 * The version an `If-Match` header asks for: `"3"` (or `W/"3"`) → 3, absent or `*` → undefined.
 * Anything else can never match a version, so it is a 412 like a stale one.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match || Number(match[1]) < 1) throw new PreconditionFailedError('If-Match must be the ETag of the resource, like "3".');
  return Number(match[1]);
}
