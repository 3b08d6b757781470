import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Services, systemSubjects } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

@ApiTags('operations')
@Controller('v1/diagnostics')
export class DiagnosticsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  /** Sends the caller's context to every service and returns what each one received. */
  @RequirePermission('system', 'read')
  @Get('context')
  @ApiOperation({ summary: 'Trace the caller’s context through every service (admin)' })
  @ApiOkResponse({ description: 'What each service saw: request id, tenant, user, role, traceparent' })
  async context(@Ctx() ctx: TenantContext) {
    const replies = await Promise.all(
      Object.values(Services).map((service) => this.rpc.request(systemSubjects(service).context, {}, ctx)),
    );
    return { request_id: ctx.requestId, services: replies };
  }
}
