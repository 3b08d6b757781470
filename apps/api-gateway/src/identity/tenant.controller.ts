import { Body, Controller, Get, Headers, Inject, Patch, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Subjects, TenantView, UpdateTenantRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { ifMatchVersion, setEtag } from '../http/etag';
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
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from a previous read; a stale one answers 412' })
  @ApiOkResponse({ type: TenantView })
  @ApiPreconditionFailedResponse({ description: 'The tenant changed since the ETag was issued' })
  async update(
    @Body() body: UpdateTenantRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const tenant = await this.rpc.request(Subjects.user.tenant.update, { ...body, if_match: ifMatchVersion(ifMatch) }, ctx);
    return setEtag(reply, tenant);
  }
}
