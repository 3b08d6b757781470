import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AddDncRequest, ConsentPage, ConsentView, DncEntryView, DncPage, DncPhoneCommand, ListConsentsQuery, ListDncQuery, RecordConsentRequest, Subjects } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Idempotent } from '../http/idempotency.interceptor';
import { Ctx } from '../http/request-context';

/** The consent ledger (append-only: a revocation is a new row; the latest row per number and type wins). */
@ApiTags('compliance')
@Controller('v1/consents')
export class ConsentsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('compliance', 'read')
  @Get()
  @ApiOperation({ summary: 'List consent records, newest first' })
  @ApiOkResponse({ type: ConsentPage })
  list(@Query() query: ListConsentsQuery, @Ctx() ctx: TenantContext): Promise<ConsentPage> {
    return this.rpc.request(Subjects.telephony.consents.list, query, ctx);
  }

  @RequirePermission('compliance', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Record a consent or its revocation for a number (or a contact’s primary phone)' })
  @ApiCreatedResponse({ type: ConsentView })
  @ApiNotFoundResponse({ description: 'contact_id names no contact of this tenant' })
  record(@Body() body: RecordConsentRequest, @Ctx() ctx: TenantContext): Promise<ConsentView> {
    return this.rpc.request(Subjects.telephony.consents.record, body, ctx);
  }
}

/** The tenant's internal Do-Not-Call list: a number on it is never called or texted. */
@ApiTags('compliance')
@Controller('v1/dnc')
export class DncController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('compliance', 'read')
  @Get()
  @ApiOperation({ summary: 'List the internal Do-Not-Call list, newest first' })
  @ApiOkResponse({ type: DncPage })
  list(@Query() query: ListDncQuery, @Ctx() ctx: TenantContext): Promise<DncPage> {
    return this.rpc.request(Subjects.telephony.dnc.list, query, ctx);
  }

  @RequirePermission('compliance', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Put a number on the internal Do-Not-Call list (kept as it was if already there)' })
  @ApiCreatedResponse({ type: DncEntryView })
  add(@Body() body: AddDncRequest, @Ctx() ctx: TenantContext): Promise<DncEntryView> {
    return this.rpc.request(Subjects.telephony.dnc.add, body, ctx);
  }

  @RequirePermission('compliance', 'delete')
  @Delete(':phone')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take a number off the internal Do-Not-Call list (managers and admins)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'The number is not on the list' })
  async remove(@Param() { phone }: DncPhoneCommand, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.telephony.dnc.remove, { phone }, ctx);
  }
}
