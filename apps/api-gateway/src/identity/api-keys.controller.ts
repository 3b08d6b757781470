import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyView, CreateApiKeyRequest, CreatedApiKeyView, Subjects, IdParam } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('api_keys', 'read')
  @Get()
  @ApiOperation({ summary: 'API keys of the tenant (never the keys themselves)' })
  list(@Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.apiKeys.list, {}, ctx);
  }

  @RequirePermission('api_keys', 'create')
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a key; the response is the only time the key is shown' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  create(@Body() body: CreateApiKeyRequest, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.apiKeys.create, body, ctx);
  }

  @RequirePermission('api_keys', 'delete')
  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a key; it stops working at once' })
  @ApiOkResponse({ type: ApiKeyView })
  revoke(@Param() { id }: IdParam, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.apiKeys.revoke, { id }, ctx);
  }
}
