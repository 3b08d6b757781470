import { randomUUID } from 'node:crypto';
import { TenantModules, UserDirectory, type UserStanding } from '@engage/access';
import type { Role } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { createDataSource, TenantDatabase } from '@engage/database';
import { DomainError } from '@engage/errors';
import type { DataSourceOptions } from '@engage/database';
import { testEnv } from '@engage/testing';

/**
 * What every service's integration specs need, in one place: the service's database as its
 * runtime role (so row-level security applies), tenants and callers made per test (no
 * truncation between tests), a user directory standing in for user-service, and the domain
 * error a call rejects with.
 */

/** The domain error `promise` rejects with (fails the test when it resolves or throws something else). */
export async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a domain error, but the call succeeded');
}

/**
 * The users the kit's contexts name, standing in for user-service (which owns users): a user
 * exists in the tenant whose context made it, and is active until `deactivate`.
 */
export class KitUsers extends UserDirectory {
  readonly users = new Map<string, { tenantId: string; active: boolean }>();

  protected async standing(ctx: { tenantId: string | null }, userId: string): Promise<UserStanding> {
    const user = this.users.get(userId);
    if (!user || user.tenantId !== ctx.tenantId) return 'unknown';
    return user.active ? 'active' : 'deactivated';
  }

  /** A new tenant and a caller in it. */
  newTenant(role: Role = 'admin'): TenantContext {
    const tenantId = randomUUID();
    const userId = randomUUID();
    this.users.set(userId, { tenantId, active: true });
    return systemContext({ tenantId, userId, role }) as TenantContext;
  }

  /** Another user of the same tenant (or the same user with another role). */
  as(ctx: TenantContext, role: Role, userId: string = randomUUID()): TenantContext {
    if (!this.users.has(userId)) this.users.set(userId, { tenantId: ctx.tenantId, active: true });
    return { ...ctx, role, userId, requestId: randomUUID() };
  }

  /** Deactivates a user, as an admin would in user-service. */
  deactivate(userId: string): void {
    const user = this.users.get(userId);
    if (user) user.active = false;
  }
}

/** The service's database as its runtime role, from the infrastructure `npm test` prepared. */
export async function openServiceDatabase(definition: { name: string; schema: string; entities: DataSourceOptions['entities'] }, poolSize = 4): Promise<TenantDatabase> {
  const dataSource = createDataSource({
    url: testEnv.databaseUrls(definition.schema).app,
    schema: definition.schema,
    entities: definition.entities,
    poolSize,
    applicationName: `${definition.name}-int-spec`,
  });
  await dataSource.initialize();
  return new TenantDatabase(dataSource);
}

/** The events a tenant's outbox holds, oldest first. */
export function outboxEvents(
  db: TenantDatabase,
  schema: string,
  tenantId: string,
): Promise<Array<{ subject: string; envelope: { aggregate_id: string; version: number; actor_id: string | null; payload: Record<string, unknown> } }>> {
  return db.transaction(tenantId, (tx) => tx.query(`SELECT subject, envelope FROM ${schema}.outbox WHERE tenant_id = $1 ORDER BY seq`, [tenantId]));
}

/** Tenants' modules standing in for user-service: every module is on unless a test switches it off. */
export class KitTenantModules extends TenantModules {
  private readonly off = new Map<string, Set<string>>();

  async enabled(tenantId: string): Promise<readonly string[]> {
    const off = this.off.get(tenantId) ?? new Set<string>();
    return ['crm', 'telephony', 'email_sync', 'webhooks', 'api_keys'].filter((m) => !off.has(m));
  }

  /** Switches `module` off for the tenant (all of telephony's by default, as the telephony specs need). */
  switchOff(tenantId: string, module = 'telephony'): void {
    this.off.set(tenantId, new Set([...(this.off.get(tenantId) ?? []), module]));
  }

  switchOn(tenantId: string, module: string): void {
    this.off.get(tenantId)?.delete(module);
  }
}
