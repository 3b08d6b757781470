import { Body, Controller, Get, Inject, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ListSmsQuery, SendSmsRequest, SmsPage, SmsView, Subjects } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Idempotent } from '../http/idempotency.interceptor';
import { sendServiceJson } from '../http/json-passthrough';
import { Ctx } from '../http/request-context';

/** Texts to and from contacts: every outbound one passes the compliance gate in telephony-service. */
@ApiTags('sms')
@Controller('v1/sms')
export class SmsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('sms', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Text a contact (after the compliance gate); delivery statuses follow from Twilio' })
  @ApiCreatedResponse({ type: SmsView })
  @ApiBadRequestResponse({ description: '`validation_failed`: a body that is empty or over 1,600 characters, a number that is not E.164, a contact without a phone, or a `from` that is another account’s number' })
  @ApiNotFoundResponse({ description: 'contact_id names no contact of this tenant' })
  @ApiUnprocessableEntityResponse({
    description: '`module_not_enabled`, `do_not_call`, `dnc_scrub_stale`, `no_consent` (no SMS consent, or the contact texted STOP), `quiet_hours` or `frequency_cap`; nothing is sent',
  })
  @ApiBadGatewayResponse({ description: '`upstream_error`: Twilio refused the text (it is recorded as failed, with Twilio’s error code)' })
  @ApiServiceUnavailableResponse({ description: 'No Twilio account is configured, or Twilio cannot be reached' })
  send(@Body() body: SendSmsRequest, @Ctx() ctx: TenantContext): Promise<SmsView> {
    return this.rpc.request(Subjects.telephony.sms.send, body, ctx, { timeoutMs: 10_000 });
  }

  @RequirePermission('sms', 'read')
  @Get()
  @ApiOperation({ summary: 'List texts, sent and received, newest first' })
  @ApiOkResponse({ type: SmsPage })
  async list(@Query() query: ListSmsQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendServiceJson(reply, await this.rpc.requestJson(Subjects.telephony.sms.list, query, ctx));
  }
}
