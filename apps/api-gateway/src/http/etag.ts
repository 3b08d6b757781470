import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiPreconditionFailedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError } from '@engage/errors';

/**
 * Optimistic concurrency over HTTP, the same on every route of the gateway: a single resource's
 * answer carries `ETag: "<version>"`, and a write may send it back as `If-Match`. The owning
 * service compares it with the stored version in the same transaction as the write.
 *
 * - absent or `*`: no precondition;
 * - `"3"` or `W/"3"`: write only if the resource is still at version 3, else 412
 *   `precondition_failed` (from the service);
 * - anything else (not an ETag this API issues): 400 `bad_request`, nothing written.
 */
export function setEtag<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  void reply.header('ETag', `"${resource.version}"`);
  return resource;
}

/** The version an `If-Match` header asks for, or undefined when there is no precondition. */
export function ifMatchVersion(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (value.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"([1-9]\d{0,8})"\s*$/.exec(value);
  if (!match) throw new BadRequestError('If-Match must be one ETag from a previous response, like "3".', { header: 'If-Match' });
  return Number(match[1]);
}

/** The `If-Match` version of the request as a handler parameter (400 when malformed). */
export const IfMatch = createParamDecorator((_data: unknown, ctx: ExecutionContext) =>
  ifMatchVersion(ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);

/** OpenAPI for a conditional write: the optional `If-Match` header and its two refusals. */
export const ConditionalWrite = (what: string) =>
  applyDecorators(
    ApiHeader({ name: 'If-Match', required: false, description: `The ETag of the ${what} last read; a stale one answers 412, a malformed one 400` }),
    ApiPreconditionFailedResponse({ description: `The ${what} changed since that ETag was issued` }),
    ApiBadRequestResponse({ description: 'Invalid body, or an If-Match that is not an ETag of this API' }),
  );
