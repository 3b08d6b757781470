import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CompanyPage, CompanyView, CreateCompanyRequest, Subjects, ListCompaniesQuery, UpdateCompanyRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { sendServiceJson } from '../http/json-passthrough';
import { Ctx } from '../http/request-context';
import { ConditionalWrite, IfMatch, setEtag } from '../http/etag';
import { IdParam } from './id-param';
import { Idempotent } from '../http/idempotency.interceptor';

@ApiTags('companies')
@Controller('v1/companies')
export class CompaniesController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('companies', 'read')
  @Get()
  @ApiOperation({ summary: 'List companies' })
  @ApiOkResponse({ type: CompanyPage })
  async list(@Query() query: ListCompaniesQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendServiceJson(reply, await this.rpc.requestJson(Subjects.crm.companies.list, query, ctx));
  }

  @RequirePermission('companies', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Create a company (409 duplicate when its domain exists)' })
  @ApiCreatedResponse({ type: CompanyView })
  @ApiConflictResponse({ description: '`duplicate`, with details.existing_id' })
  async create(@Body() body: CreateCompanyRequest, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<CompanyView> {
    const company = await this.rpc.request(Subjects.crm.companies.create, body, ctx);
    setEtag(reply, company);
    return company;
  }

  @RequirePermission('companies', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Get a company' })
  @ApiOkResponse({ type: CompanyView })
  @ApiNotFoundResponse()
  async get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<CompanyView> {
    const company = await this.rpc.request(Subjects.crm.companies.get, { id }, ctx);
    setEtag(reply, company);
    return company;
  }

  @RequirePermission('companies', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a company' })
  @ConditionalWrite('company')
  @ApiOkResponse({ type: CompanyView })
  async update(
    @Param() { id }: IdParam,
    @Body() body: UpdateCompanyRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CompanyView> {
    const company = await this.rpc.request(Subjects.crm.companies.update, { ...body, id, if_match: ifMatch }, ctx);
    setEtag(reply, company);
    return company;
  }

  @RequirePermission('companies', 'delete')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a company (its contacts and deals are unlinked)' })
  @ConditionalWrite('company')
  @ApiNoContentResponse()
  async remove(@Param() { id }: IdParam, @IfMatch() ifMatch: number | undefined, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.crm.companies.delete, { id, if_match: ifMatch }, ctx);
  }
}
