import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ConnectGmailRequest, GmailAuthorizeUrlView, GmailConnectionView, GmailSettingsView, Subjects, UpdateGmailSettingsRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

/** Exchanging a code asks Google twice (token, profile). */
const GOOGLE_TIMEOUT_MS = 15_000;

const MODULE_403 = '`module_not_enabled`: the account’s plan has no email_sync module; `forbidden`: an API key (a mailbox is connected by a signed-in user)';

/**
 * The caller's own Gmail mailbox (SPEC section 4): connect it through Google's consent screen, see
 * how its sync is doing, disconnect it. Every user manages only their own; the mail it brings in
 * shows on the contacts' timelines (`GET /v1/activities?type=email`).
 */
@ApiTags('integrations')
@Controller('v1/integrations/gmail')
export class GmailController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('integrations', 'read')
  @Get()
  @ApiOperation({ summary: 'My Gmail connection and its sync health: status, last sync, lag, messages imported, last error' })
  @ApiOkResponse({ type: GmailConnectionView, description: '`status: not_connected` when no mailbox is connected' })
  get(@Ctx() ctx: TenantContext): Promise<GmailConnectionView> {
    return this.rpc.request(Subjects.activity.gmail.get, {}, ctx);
  }

  @RequirePermission('integrations', 'create')
  @Get('authorize-url')
  @ApiOperation({ summary: 'Google’s consent screen for my mailbox: open `url`; Google redirects back with `code` and `state` for POST connect' })
  @ApiOkResponse({ type: GmailAuthorizeUrlView })
  @ApiForbiddenResponse({ description: MODULE_403 })
  @ApiServiceUnavailableResponse({ description: 'No Google OAuth client or no encryption key configured' })
  authorizeUrl(@Ctx() ctx: TenantContext): Promise<GmailAuthorizeUrlView> {
    return this.rpc.request(Subjects.activity.gmail.authorizeUrl, {}, ctx);
  }

  @RequirePermission('integrations', 'create')
  @Post('connect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish connecting: exchange Google’s code (with the state from authorize-url); the mailbox then syncs in the background' })
  @ApiOkResponse({ type: GmailConnectionView })
  @ApiBadRequestResponse({ description: '`validation_failed`: a state that is unknown, used, expired or another user’s, or a code Google refused' })
  @ApiForbiddenResponse({ description: MODULE_403 })
  @ApiConflictResponse({ description: 'The mailbox is already connected by another user of the account' })
  @ApiServiceUnavailableResponse({ description: 'Google unreachable, or Gmail not configured' })
  connect(@Body() body: ConnectGmailRequest, @Ctx() ctx: TenantContext): Promise<GmailConnectionView> {
    return this.rpc.request(Subjects.activity.gmail.connect, body, ctx, { timeoutMs: GOOGLE_TIMEOUT_MS });
  }

  @RequirePermission('integrations', 'delete')
  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Disconnect my mailbox: the grant is revoked at Google; mail already on timelines stays' })
  @ApiOkResponse({ type: GmailConnectionView, description: '`status: not_connected`' })
  @ApiNotFoundResponse({ description: 'No mailbox is connected' })
  disconnect(@Ctx() ctx: TenantContext): Promise<GmailConnectionView> {
    return this.rpc.request(Subjects.activity.gmail.disconnect, {}, ctx, { timeoutMs: GOOGLE_TIMEOUT_MS });
  }

  @RequirePermission('integrations', 'read')
  @Get('settings')
  @ApiOperation({ summary: 'The account’s Gmail settings: days of mail a first sync reads, whether message bodies are kept (encrypted) and for how long' })
  @ApiOkResponse({ type: GmailSettingsView })
  settings(@Ctx() ctx: TenantContext): Promise<GmailSettingsView> {
    return this.rpc.request(Subjects.activity.gmail.settings, {}, ctx);
  }

  @RequirePermission('tenant', 'update')
  @Put('settings')
  @ApiOperation({ summary: 'Change the account’s Gmail settings (admins); turning store_bodies off deletes every stored body' })
  @ApiOkResponse({ type: GmailSettingsView })
  @ApiBadRequestResponse({ description: '`validation_failed`: days outside 1–365 (retention 1–3650), a non-boolean, or unknown fields' })
  updateSettings(@Body() body: UpdateGmailSettingsRequest, @Ctx() ctx: TenantContext): Promise<GmailSettingsView> {
    return this.rpc.request(Subjects.activity.gmail.updateSettings, body, ctx);
  }
}
