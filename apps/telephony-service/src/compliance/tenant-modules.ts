import { Inject, Injectable } from '@nestjs/common';
import { Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';

/**
 * Whether a tenant has a module switched on. Tenants belong to user-service, so the answer comes
 * from there at the moment of each outbound call or text: an admin who switches telephony off
 * stops the very next dial, with no cache to expire.
 */
export abstract class TenantModules {
  abstract enabled(tenantId: string): Promise<readonly string[]>;
}

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
