import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import type { Action, Resource } from '@engage/contracts';

export const ROUTE_ACCESS = 'engage:route-access';

export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'operations' }
  | { kind: 'permission'; resource: Resource; action: Action };

/**
 * `security: []` on the route's OpenAPI operation: says the operation needs no credential (the
 * document's readers and linters would otherwise not know). Merged into the operation's other
 * fields whichever order the decorators run in.
 */
const OpenApiNoSecurity = (): MethodDecorator => (_target, _key, descriptor) => {
  const previous = (Reflect.getMetadata(DECORATORS.API_OPERATION, descriptor.value as object) ?? {}) as object;
  Reflect.defineMetadata(DECORATORS.API_OPERATION, { ...previous, security: [] }, descriptor.value as object);
  return descriptor;
};

/** No token needed (signup, login, health, provider webhooks). Rate limits by IP still apply. */
export const Public = () => applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'public' } satisfies RouteAccess), OpenApiNoSecurity());

/**
 * Operators only: `Authorization: Bearer <OPS_TOKEN>` (metrics and detailed health, which show
 * versions, memory and uptime). Not a user credential; left out of the public API document.
 */
export const Operations = () => applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'operations' } satisfies RouteAccess), ApiExcludeEndpoint());

/** Any signed-in user of any role (their own profile, logout). */
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'authenticated' } satisfies RouteAccess),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, expired or revoked token' }),
  );

/**
 * A signed-in user whose role grants `action` on `resource` (contracts' permission matrix).
 * The owning service checks again, with record ownership.
 */
export const RequirePermission = (resource: Resource, action: Action) =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'permission', resource, action } satisfies RouteAccess),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, expired or revoked token' }),
    ApiForbiddenResponse({ description: `The caller's role may not ${action} ${resource}` }),
  );
