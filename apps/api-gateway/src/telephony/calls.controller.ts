import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CallPage, CallView, CreateCallRequest, ListCallsQuery, Subjects, UpdateCallRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { IdParam } from '../crm/id-param';
import { Idempotent } from '../http/idempotency.interceptor';
import { sendServiceJson } from '../http/json-passthrough';
import { Ctx } from '../http/request-context';

@ApiTags('calls')
@Controller('v1/calls')
export class CallsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('calls', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Place a call: rings the rep’s phone, then the contact (after the compliance gate)' })
  @ApiCreatedResponse({ type: CallView })
  @ApiNotFoundResponse({ description: 'contact_id names no contact of this tenant' })
  @ApiUnprocessableEntityResponse({ description: '`no_consent`, `do_not_call`, `quiet_hours` or `frequency_cap`; nothing is dialled' })
  @ApiBadGatewayResponse({ description: '`upstream_error`: Twilio refused the call (the call is recorded as failed)' })
  create(@Body() body: CreateCallRequest, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.create, body, ctx, { timeoutMs: 10_000 });
  }

  @RequirePermission('calls', 'read')
  @Get()
  @ApiOperation({ summary: 'List calls, newest first' })
  @ApiOkResponse({ type: CallPage })
  async list(@Query() query: ListCallsQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendServiceJson(reply, await this.rpc.requestJson(Subjects.telephony.calls.list, query, ctx));
  }

  @RequirePermission('calls', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Get a call' })
  @ApiOkResponse({ type: CallView })
  @ApiNotFoundResponse()
  get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.get, { id }, ctx);
  }

  @RequirePermission('calls', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Set a call’s disposition and notes (`do_not_call` also adds the number to the DNC list)' })
  @ApiOkResponse({ type: CallView })
  @ApiNotFoundResponse()
  update(@Param() { id }: IdParam, @Body() body: UpdateCallRequest, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.update, { ...body, id }, ctx);
  }

  @RequirePermission('calls', 'update')
  @Post(':id/hangup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hang up a call; its final status follows from Twilio' })
  @ApiOkResponse({ type: CallView })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The call has already ended' })
  hangup(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.hangup, { id }, ctx, { timeoutMs: 10_000 });
  }
}
