import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateDealRequest, Subjects, DealPage, DealStageHistory, DealView, ListDealsQuery, UpdateDealRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { sendServiceJson } from '../http/json-passthrough';
import { Ctx } from '../http/request-context';
import { ConditionalWrite, IfMatch, setEtag } from '../http/etag';
import { IdParam } from './id-param';
import { Idempotent } from '../http/idempotency.interceptor';

@ApiTags('deals')
@Controller('v1/deals')
export class DealsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('deals', 'read')
  @Get()
  @ApiOperation({ summary: 'List deals' })
  @ApiOkResponse({ type: DealPage })
  async list(@Query() query: ListDealsQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendServiceJson(reply, await this.rpc.requestJson(Subjects.crm.deals.list, query, ctx));
  }

  @RequirePermission('deals', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Create a deal (default pipeline and its first stage unless given)' })
  @ApiCreatedResponse({ type: DealView })
  async create(@Body() body: CreateDealRequest, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<DealView> {
    const deal = await this.rpc.request(Subjects.crm.deals.create, body, ctx);
    setEtag(reply, deal);
    return deal;
  }

  @RequirePermission('deals', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Get a deal' })
  @ApiOkResponse({ type: DealView })
  @ApiNotFoundResponse()
  async get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<DealView> {
    const deal = await this.rpc.request(Subjects.crm.deals.get, { id }, ctx);
    setEtag(reply, deal);
    return deal;
  }

  @RequirePermission('deals', 'read')
  @Get(':id/stage-history')
  @ApiOperation({ summary: 'Every stage the deal went through: who moved it, and when' })
  @ApiOkResponse({ type: DealStageHistory })
  stageHistory(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<DealStageHistory> {
    return this.rpc.request(Subjects.crm.deals.stageHistory, { id }, ctx);
  }

  @RequirePermission('deals', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a deal; a stage change is recorded and announced' })
  @ConditionalWrite('deal')
  @ApiOkResponse({ type: DealView })
  async update(
    @Param() { id }: IdParam,
    @Body() body: UpdateDealRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DealView> {
    const deal = await this.rpc.request(Subjects.crm.deals.update, { ...body, id, if_match: ifMatch }, ctx);
    setEtag(reply, deal);
    return deal;
  }

  @RequirePermission('deals', 'delete')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a deal' })
  @ConditionalWrite('deal')
  @ApiNoContentResponse()
  async remove(@Param() { id }: IdParam, @IfMatch() ifMatch: number | undefined, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.crm.deals.delete, { id, if_match: ifMatch }, ctx);
  }
}
