import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ContextHeader, isRole, type Role } from '@engage/contracts';

/**
 * Who is asking, for which tenant, as part of which request. Built once at the edge (gateway) or
 * from NATS headers (services) and then passed explicitly to service methods.
 */
export interface RequestContext {
  readonly requestId: string;
  readonly tenantId: string | null;
  readonly userId: string | null;
  readonly role: Role | null;
  readonly traceparent: string | null;
  readonly apiKeyId: string | null;
}

/** A context that belongs to a tenant: what every tenant-scoped service method requires. */
export interface TenantContext extends RequestContext {
  readonly tenantId: string;
}

/**
 * The holder of a request's context. The gateway learns who is calling only after the request
 * has started (authentication runs later), so it enters a cell once and fills in the caller.
 */
export interface ContextCell {
  current: RequestContext;
}

const storage = new AsyncLocalStorage<ContextCell>();

/** Runs `fn` with `ctx` as the ambient context, used by the logger to stamp request and tenant ids. */
export const runWithContext = <T>(ctx: RequestContext, fn: () => T): T => storage.run({ current: ctx }, fn);

/** Runs `fn` with whatever `cell` holds as the ambient context, now and after later changes. */
export const runInContextCell = <T>(cell: ContextCell, fn: () => T): T => storage.run(cell, fn);

/** The ambient context, if any (loggers only; business code receives its context as an argument). */
export const ambientContext = (): RequestContext | undefined => storage.getStore()?.current;

export const systemContext = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  requestId: randomUUID(),
  tenantId: null,
  userId: null,
  role: null,
  traceparent: null,
  apiKeyId: null,
  ...overrides,
});

type HeaderReader = (name: string) => string | undefined;

/** Reads the context from message headers (NATS), generating a request id when none came. */
export const contextFromHeaders = (get: HeaderReader): RequestContext => {
  const role = get(ContextHeader.role);
  return {
    requestId: get(ContextHeader.requestId) || randomUUID(),
    tenantId: get(ContextHeader.tenantId) || null,
    userId: get(ContextHeader.userId) || null,
    role: isRole(role) ? role : null,
    traceparent: get(ContextHeader.traceparent) || null,
    apiKeyId: get(ContextHeader.apiKeyId) || null,
  };
};

/** The header pairs that carry `ctx` to the next hop. */
export const contextToHeaders = (ctx: RequestContext): Array<[string, string]> => {
  const pairs: Array<[string, string]> = [[ContextHeader.requestId, ctx.requestId]];
  if (ctx.tenantId) pairs.push([ContextHeader.tenantId, ctx.tenantId]);
  if (ctx.userId) pairs.push([ContextHeader.userId, ctx.userId]);
  if (ctx.role) pairs.push([ContextHeader.role, ctx.role]);
  if (ctx.traceparent) pairs.push([ContextHeader.traceparent, ctx.traceparent]);
  if (ctx.apiKeyId) pairs.push([ContextHeader.apiKeyId, ctx.apiKeyId]);
  return pairs;
};
