import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ConnectTwilioAccountRequest, CreateTwilioSubaccountRequest, Subjects, TwilioAccountView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

/**
 * The tenant's Twilio account: its own (connected, or a subaccount created for it) or the platform
 * account. Tenant admins only (`tenant` update), reading included: the account pays for and signs
 * every call and text. The auth token goes in, is checked with Twilio and stored sealed; it never comes out.
 */
@ApiTags('calls')
@Controller('v1/telephony/account')
export class TwilioAccountController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('tenant', 'update')
  @Get()
  @ApiOperation({ summary: 'Which Twilio account the tenant’s calls and texts go through (its own or the platform’s); never the token' })
  @ApiOkResponse({ type: TwilioAccountView })
  get(@Ctx() ctx: TenantContext): Promise<TwilioAccountView> {
    return this.rpc.request(Subjects.telephony.twilioAccount.get, {}, ctx);
  }

  @RequirePermission('tenant', 'update')
  @Put()
  @ApiOperation({ summary: 'Connect the tenant’s own Twilio account (or subaccount): the credentials are checked with Twilio, the token stored encrypted' })
  @ApiOkResponse({ type: TwilioAccountView })
  @ApiBadRequestResponse({ description: 'Malformed SID or token, or Twilio did not accept the credentials' })
  @ApiServiceUnavailableResponse({ description: 'Twilio unreachable, or no encryption key configured' })
  connect(@Body() body: ConnectTwilioAccountRequest, @Ctx() ctx: TenantContext): Promise<TwilioAccountView> {
    return this.rpc.request(Subjects.telephony.twilioAccount.connect, body, ctx, { timeoutMs: 15_000 });
  }

  @RequirePermission('tenant', 'update')
  @Post('subaccount')
  @ApiOperation({ summary: 'Create a Twilio subaccount for the tenant under the platform account and connect it' })
  @ApiCreatedResponse({ type: TwilioAccountView })
  @ApiConflictResponse({ description: 'The tenant already has its own account; disconnect it first' })
  @ApiBadGatewayResponse({ description: '`upstream_error`: Twilio refused to create the subaccount' })
  @ApiServiceUnavailableResponse({ description: 'No platform account or no encryption key configured, or Twilio unreachable' })
  createSubaccount(@Body() body: CreateTwilioSubaccountRequest, @Ctx() ctx: TenantContext): Promise<TwilioAccountView> {
    return this.rpc.request(Subjects.telephony.twilioAccount.createSubaccount, body, ctx, { timeoutMs: 15_000 });
  }

  @RequirePermission('tenant', 'update')
  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Go back to the platform account (the tenant’s own account stays at Twilio, unused)' })
  @ApiOkResponse({ type: TwilioAccountView, description: 'The platform account now in use' })
  @ApiNotFoundResponse({ description: 'The tenant has no account of its own' })
  disconnect(@Ctx() ctx: TenantContext): Promise<TwilioAccountView> {
    return this.rpc.request(Subjects.telephony.twilioAccount.disconnect, {}, ctx);
  }
}
