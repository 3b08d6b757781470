import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateCustomFieldRequest, Subjects, CustomFieldList, CustomFieldView, ListCustomFieldsQuery } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';
import { IdParam } from './id-param';
import { Idempotent } from '../http/idempotency.interceptor';

@ApiTags('custom fields')
@Controller('v1/custom-fields')
export class CustomFieldsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('custom_fields', 'read')
  @Get()
  @ApiOperation({ summary: 'Custom field definitions of contacts, companies and deals' })
  @ApiOkResponse({ type: CustomFieldList })
  list(@Query() query: ListCustomFieldsQuery, @Ctx() ctx: TenantContext): Promise<CustomFieldList> {
    return this.rpc.request(Subjects.crm.customFields.list, query, ctx);
  }

  @RequirePermission('custom_fields', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Define a custom field (admin)' })
  @ApiCreatedResponse({ type: CustomFieldView })
  @ApiConflictResponse({ description: 'The key is taken for this object type' })
  create(@Body() body: CreateCustomFieldRequest, @Ctx() ctx: TenantContext): Promise<CustomFieldView> {
    return this.rpc.request(Subjects.crm.customFields.create, body, ctx);
  }

  @RequirePermission('custom_fields', 'delete')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a custom field and the values records hold for it (admin)' })
  @ApiNoContentResponse()
  async remove(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.crm.customFields.delete, { id }, ctx);
  }
}
