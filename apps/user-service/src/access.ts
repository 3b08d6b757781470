import { type Action, grantFor, type Resource } from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';

/** A request from a signed-in user (or an API key acting as its creator). */
export type SignedInContext = TenantContext & { readonly userId: string };
import { ForbiddenError, UnauthorizedError } from '@engage/errors';

/** The caller must be signed in to a tenant and its role must grant `action` on `resource`. */
export function assertAllowed(ctx: RequestContext, resource: Resource, action: Action): asserts ctx is SignedInContext {
  if (!ctx.tenantId || !ctx.userId) throw new UnauthorizedError();
  if (!grantFor(ctx.role, resource, action)) throw new ForbiddenError();
}

export function assertSignedIn(ctx: RequestContext): asserts ctx is SignedInContext {
  if (!ctx.tenantId || !ctx.userId) throw new UnauthorizedError();
}
