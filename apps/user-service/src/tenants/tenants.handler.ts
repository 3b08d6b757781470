import { MessagePattern, Payload } from '@nestjs/microservices';
import { IdentitySubjects, UpdateTenantCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { TenantsService } from './tenants.service';

@RpcController()
export class TenantsHandler {
  constructor(private readonly tenants: TenantsService) {}

  @MessagePattern(IdentitySubjects.getTenant)
  get(@Caller() ctx: RequestContext) {
    return this.tenants.get(ctx);
  }

  @MessagePattern(IdentitySubjects.updateTenant)
  update(@Payload() dto: UpdateTenantCommand, @Caller() ctx: RequestContext) {
    return this.tenants.update(ctx, dto);
  }
}
