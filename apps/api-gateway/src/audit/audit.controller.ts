import { Controller, Get, Inject, Module, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditPage, AuditVerifyView, ListAuditQuery, Subjects } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

/** The tenant's audit trail (admins): every change made in any service, append-only and hash-chained. */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('audit', 'read')
  @Get()
  @ApiOperation({ summary: 'List audit entries, newest first (filters: actor, record kind and id, since)' })
  @ApiOkResponse({ type: AuditPage })
  @ApiForbiddenResponse({ description: 'Admins only' })
  list(@Query() query: ListAuditQuery, @Ctx() ctx: TenantContext): Promise<AuditPage> {
    return this.rpc.request(Subjects.audit.list, query, ctx);
  }

  @RequirePermission('audit', 'read')
  @Get('verify')
  @ApiOperation({ summary: 'Recompute the tenant’s audit chain and report the first entry where it breaks' })
  @ApiOkResponse({ type: AuditVerifyView })
  @ApiForbiddenResponse({ description: 'Admins only' })
  verify(@Ctx() ctx: TenantContext): Promise<AuditVerifyView> {
    return this.rpc.request(Subjects.audit.verify, {}, ctx, { timeoutMs: 30_000 });
  }
}

@Module({ controllers: [AuditController] })
export class AuditGatewayModule {}
