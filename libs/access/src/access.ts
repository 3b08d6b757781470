import { type Action, grantFor, type Resource } from '@engage/contracts';
import type { RequestContext, TenantContext } from '@engage/context';
import { ForbiddenError, UnauthorizedError } from '@engage/errors';

/**
 * The access rules every service applies the same way (SPEC section 5): a request belongs to a
 * tenant, its role grants an action on a resource for `own` or `any` records, and only roles that
 * may update every record give records to someone else.
 */

/** A request from a signed-in user (or an API key acting as its creator). */
export type SignedInContext = TenantContext & { readonly userId: string };

/** Every tenant operation belongs to a tenant; a request without one never reaches a repository. */
export function requireTenant(ctx: RequestContext): TenantContext {
  if (!ctx.tenantId) throw new UnauthorizedError();
  return ctx as TenantContext;
}

export function assertSignedIn(ctx: RequestContext): asserts ctx is SignedInContext {
  if (!ctx.tenantId || !ctx.userId) throw new UnauthorizedError();
}

/** Refuses unless the caller's role grants `action` on `resource` at all (`own` or `any`). */
export function assertGranted(ctx: RequestContext, resource: Resource, action: Action): void {
  if (!grantFor(ctx.role, resource, action)) throw new ForbiddenError();
}

/** The caller must be signed in to a tenant and its role must grant `action` on `resource`. */
export function assertAllowed(ctx: RequestContext, resource: Resource, action: Action): asserts ctx is SignedInContext {
  assertSignedIn(ctx);
  assertGranted(ctx, resource, action);
}

/**
 * Refuses unless the caller may `action` this record: `any` grants every record of the tenant,
 * `own` only records the caller owns (reps edit only what they own).
 */
export function assertMayTouch(ctx: RequestContext, resource: Resource, action: Action, ownerId: string | null): void {
  const grant = grantFor(ctx.role, resource, action);
  if (grant === 'any') return;
  if (grant === 'own' && ownerId !== null && ownerId === ctx.userId) return;
  throw new ForbiddenError(grant === 'own' ? `You can ${action} only ${resource} you own.` : undefined);
}

/** Reassigning a record to someone else is for roles that may update every record (manager, admin). */
export function assertMayAssign(ctx: RequestContext, resource: Resource, newOwnerId: string, currentOwnerId: string | null): void {
  if (newOwnerId === currentOwnerId) return;
  if (grantFor(ctx.role, resource, 'update') === 'any') return;
  if (currentOwnerId === null && newOwnerId === ctx.userId) return;
  throw new ForbiddenError('Only managers and admins can assign an owner other than yourself.');
}
