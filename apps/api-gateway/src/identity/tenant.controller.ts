import { Body, Controller, Get, Inject, Patch, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Subjects, TenantView, UpdateTenantRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { ConditionalWrite, IfMatch, setEtag } from '../http/etag';
import { Ctx } from '../http/request-context';

@ApiTags('tenant')
@Controller('v1/tenant')
export class TenantController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('tenant', 'read')
  @Get()
  @ApiOperation({ summary: 'The caller’s tenant' })
  @ApiOkResponse({ type: TenantView })
  async get(@Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return setEtag(reply, await this.rpc.request(Subjects.user.tenant.get, {}, ctx));
  }

  @RequirePermission('tenant', 'update')
  @Patch()
  @ApiOperation({ summary: 'Change name, modules or settings (admin)' })
  @ConditionalWrite('tenant')
  @ApiOkResponse({ type: TenantView })
  async update(
    @Body() body: UpdateTenantRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const tenant = await this.rpc.request(Subjects.user.tenant.update, { ...body, if_match: ifMatch }, ctx);
    return setEtag(reply, tenant);
  }
}
