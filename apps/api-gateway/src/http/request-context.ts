import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestContext, TenantContext } from '@engage/context';
import { UnauthorizedError } from '@engage/errors';

const KEY = Symbol('engageContext');

type WithContext = FastifyRequest & { [KEY]?: RequestContext };

export const setRequestContext = (req: FastifyRequest, ctx: RequestContext) => {
  (req as WithContext)[KEY] = ctx;
};

export const getRequestContext = (req: FastifyRequest): RequestContext | undefined => (req as WithContext)[KEY];

/** Handler parameter: the caller's context, set by the auth guard (`@Ctx() ctx: TenantContext`). */
export const Ctx = createParamDecorator((_data: unknown, host: ExecutionContext): TenantContext => {
  const ctx = getRequestContext(host.switchToHttp().getRequest<FastifyRequest>());
  if (!ctx) throw new UnauthorizedError();
  return ctx as TenantContext;
});
