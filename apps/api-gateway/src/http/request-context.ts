import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ContextCell, RequestContext, TenantContext } from '@engage/context';
import { UnauthorizedError } from '@engage/errors';

const KEY = Symbol('engageContext');

type WithContext = FastifyRequest & { [KEY]?: ContextCell };

/**
 * Sets the request's context. The first call makes the request's context cell (entered as the
 * ambient context for the handler, see fastify-hooks); later calls, once the caller is known,
 * change what the cell holds.
 */
export const setRequestContext = (req: FastifyRequest, ctx: RequestContext) => {
  const cell = (req as WithContext)[KEY];
  if (cell) cell.current = ctx;
  else (req as WithContext)[KEY] = { current: ctx };
};

export const getRequestContext = (req: FastifyRequest): RequestContext | undefined => (req as WithContext)[KEY]?.current;

/** The request's context cell (made by the first setRequestContext). */
export const requestContextCell = (req: FastifyRequest): ContextCell | undefined => (req as WithContext)[KEY];

/** Handler parameter: the caller's context, set by the auth guard (`@Ctx() ctx: TenantContext`). */
export const Ctx = createParamDecorator((_data: unknown, host: ExecutionContext): TenantContext => {
  const ctx = getRequestContext(host.switchToHttp().getRequest<FastifyRequest>());
  if (!ctx) throw new UnauthorizedError();
  return ctx as TenantContext;
});
