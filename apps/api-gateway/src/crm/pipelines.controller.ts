import { Body, Controller, Get, Inject, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreatePipelineRequest, Subjects, PipelineList, PipelineView, UpdatePipelineRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';
import { ConditionalWrite, IfMatch, setEtag } from '../http/etag';
import { IdParam } from './id-param';
import { Idempotent } from '../http/idempotency.interceptor';

@ApiTags('deals')
@Controller('v1/pipelines')
export class PipelinesController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('pipelines', 'read')
  @Get()
  @ApiOperation({ summary: 'The tenant’s pipelines, default first' })
  @ApiOkResponse({ type: PipelineList })
  list(@Ctx() ctx: TenantContext): Promise<PipelineList> {
    return this.rpc.request(Subjects.crm.pipelines.list, {}, ctx);
  }

  @RequirePermission('pipelines', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Create a pipeline with ordered stages' })
  @ApiCreatedResponse({ type: PipelineView })
  async create(@Body() body: CreatePipelineRequest, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<PipelineView> {
    const pipeline = await this.rpc.request(Subjects.crm.pipelines.create, body, ctx);
    setEtag(reply, pipeline);
    return pipeline;
  }

  @RequirePermission('pipelines', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Rename a pipeline or replace its stages' })
  @ConditionalWrite('pipeline')
  @ApiOkResponse({ type: PipelineView })
  @ApiConflictResponse({ description: '`stage_in_use`: deals are in a stage the change removes' })
  async update(
    @Param() { id }: IdParam,
    @Body() body: UpdatePipelineRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PipelineView> {
    const pipeline = await this.rpc.request(Subjects.crm.pipelines.update, { ...body, id, if_match: ifMatch }, ctx);
    setEtag(reply, pipeline);
    return pipeline;
  }
}
