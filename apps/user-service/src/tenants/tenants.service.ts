import { Injectable } from '@nestjs/common';
import { Events, type TenantModulesView, type TenantView, type UpdateTenantRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { NotFoundError, PreconditionFailedError, ValidationError } from '@engage/errors';
import { effectiveModules, effectivePlan, modulesOutsidePlan } from '../billing/entitlements';
import { ModuleNotInPlanError } from '../billing/entitlement-errors';
import { OutboxWriter } from '@engage/messaging';
import { assertAllowed, requireTenant } from '@engage/access';
import { recordEvent } from '../identity-events';
import { toTenantView } from '../views';
import { TenantsRepository } from './tenants.repository';

@Injectable()
export class TenantsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly tenants: TenantsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async get(ctx: RequestContext): Promise<TenantView> {
    assertAllowed(ctx, 'tenant', 'read');
    const tenant = await this.db.transaction(ctx.tenantId, (tx) => this.tenants.find(tx, ctx.tenantId));
    if (!tenant) throw new NotFoundError('Tenant');
    return toTenantView(tenant);
  }

  /** The tenant's enabled modules, for any caller acting in the tenant (see Subjects.user.tenant.modules). */
  async modules(ctx: RequestContext): Promise<TenantModulesView> {
    const tctx = requireTenant(ctx);
    const tenant = await this.db.transaction(tctx.tenantId, (tx) => this.tenants.find(tx, tctx.tenantId));
    if (!tenant) throw new NotFoundError('Tenant');
    // What is in force now: a trial that ended or a cancelled subscription narrows it to basic.
    return { enabled_modules: effectiveModules(tenant, new Date()) };
  }

  /** Name, modules and settings (merged key by key). The plan changes only through billing. */
  async update(ctx: RequestContext, input: UpdateTenantRequest & { if_match?: number }): Promise<TenantView> {
    assertAllowed(ctx, 'tenant', 'update');
    if (input.name === undefined && input.enabled_modules === undefined && input.settings === undefined) {
      throw new ValidationError('Nothing to change.');
    }
    if (input.settings && JSON.stringify(input.settings).length > 10_000) {
      throw new ValidationError('Settings are too large.', { fields: { settings: ['at most 10,000 characters of JSON'] } });
    }
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const current = await this.tenants.find(tx, ctx.tenantId);
      if (!current) throw new NotFoundError('Tenant');
      if (input.if_match !== undefined && input.if_match !== current.version) throw new PreconditionFailedError();
      if (input.enabled_modules !== undefined) {
        // Modules of the plan may be switched off and on again; one outside the plan is bought, not switched on.
        const outside = modulesOutsidePlan(current, input.enabled_modules, new Date());
        if (outside.length > 0) {
          throw new ModuleNotInPlanError(effectivePlan(current, new Date()), outside);
        }
      }
      const updated = await this.tenants.update(tx, ctx.tenantId, {
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.enabled_modules !== undefined ? { enabledModules: [...new Set(['crm', ...input.enabled_modules])] } : {}),
        ...(input.settings !== undefined ? { settings: { ...current.settings, ...input.settings } } : {}),
      });
      await recordEvent(this.outbox, tx, ctx, Events.user.tenantUpdated, { id: ctx.tenantId, version: updated.version }, {
        tenant: toTenantView(updated),
      });
      return toTenantView(updated);
    });
  }
}
