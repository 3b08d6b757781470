import { Inject, Injectable } from '@nestjs/common';
import { Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';

/**
 * Whether a tenant has a module switched on (its plan's, less what an admin switched off). Tenants
 * belong to user-service, so the answer comes from there at the moment it matters: an admin who
 * switches a module off, or a plan that ends, stops the very next use, with no cache to expire.
 */
export abstract class TenantModules {
  abstract enabled(tenantId: string): Promise<readonly string[]>;

  /** 403 `module_not_enabled` unless the tenant has `module` (for a feature's management routes). */
  async assertEnabled(tenantId: string, module: string): Promise<void> {
    if (!(await this.enabled(tenantId)).includes(module)) {
      throw new DomainError('module_not_enabled', 403, `The ${module} module is not enabled for this account.`, { module });
    }
  }
}

/** Asks user-service (`user.tenant.modules`, answered for any context of the tenant). */
@Injectable()
export class IdentityTenantModules extends TenantModules {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  async enabled(tenantId: string): Promise<readonly string[]> {
    const reply = await this.rpc.request(Subjects.user.tenant.modules, {}, systemContext({ tenantId }), { timeoutMs: 3000 });
    return reply.enabled_modules;
  }
}
