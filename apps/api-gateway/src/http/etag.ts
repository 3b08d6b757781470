import type { FastifyReply } from 'fastify';
import { BadRequestError } from '@engage/errors';

/** Optimistic concurrency over HTTP: ETag carries the resource version, If-Match sends it back. */
export function setEtag<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  void reply.header('ETag', `"${resource.version}"`);
  return resource;
}

export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,10})"$/.exec(header.trim());
  if (!match) throw new BadRequestError('If-Match must be an ETag from a previous response, like "3".', { header: 'If-Match' });
  return Number(match[1]);
}
