import { Payload } from '@nestjs/microservices';
import { Subjects, UpdateTenantCommand , type EmptyRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { TenantsService } from './tenants.service';

@RpcController()
export class TenantsHandler {
  constructor(private readonly tenants: TenantsService) {}

  @Handles(Subjects.user.tenant.get)
  get(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.tenants.get(ctx);
  }

  @Handles(Subjects.user.tenant.modules)
  modules(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.tenants.modules(ctx);
  }

  @Handles(Subjects.user.tenant.update)
  update(@Payload() dto: UpdateTenantCommand, @Caller() ctx: RequestContext) {
    return this.tenants.update(ctx, dto);
  }
}
