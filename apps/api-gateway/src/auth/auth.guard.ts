import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { grantFor } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { ForbiddenError, InternalError, UnauthorizedError } from '@engage/errors';
import { getRequestContext, setRequestContext } from '../http/request-context';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.decorator';
import { TokenVerifier } from './token-verifier';

/**
 * Runs before every route. A route must declare its access (`@Public`, `@Authenticated` or
 * `@RequirePermission`); one that declares nothing is refused, so a forgotten decorator fails
 * closed (and the route-table test names it).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (!access) throw new InternalError();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const base = getRequestContext(req);
    if (!base) throw new InternalError();
    if (access.kind === 'public') return true;

    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedError();
    const principal = await this.verifier.verify(match[1], base);
    const ctx: RequestContext = {
      ...base,
      tenantId: principal.tenantId,
      userId: principal.userId,
      role: principal.role,
      apiKeyId: principal.apiKeyId,
    };
    setRequestContext(req, ctx);
    if (access.kind === 'permission' && !grantFor(ctx.role, access.resource, access.action)) throw new ForbiddenError();
    return true;
  }
}
