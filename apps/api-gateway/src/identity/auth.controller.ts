import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import {
  Subjects,
  LoginMfaRequest,
  LoginRequest,
  MfaActivatedView,
  MfaCodeRequest,
  MfaEnrollView,
  PasswordResetConfirm,
  PasswordResetRequest,
  RefreshRequest,
  SignupRequest,
  SignupView,
  TokenPairView,
} from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { Authenticated, Public } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';
import { clearRefreshCookie, deliverTokens, refreshTokenFrom } from './refresh-cookie';

/** bcrypt cost 12 runs on the user-service's CPU: give sign-in paths more time than the default. */
const SLOW = { timeoutMs: 15_000 };

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @Public()
  @Post('signup')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant and its first admin; returns a session' })
  @ApiCreatedResponse({ type: SignupView })
  async signup(@Body() body: SignupRequest, @Ctx() ctx: TenantContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return deliverTokens(req, reply, await this.rpc.request(Subjects.user.auth.signup, body, ctx, SLOW));
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with tenant slug, email and password', description: 'With MFA on, answers { mfa_required, mfa_token }: finish at /v1/auth/login/mfa.' })
  @ApiOkResponse({ type: TokenPairView })
  @ApiTooManyRequestsResponse({ description: '5 failed attempts per 15 minutes per account and IP' })
  async login(@Body() body: LoginRequest, @Ctx() ctx: TenantContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.rpc.request(Subjects.user.auth.login, { ...body, ip: req.ip }, ctx, SLOW);
    return 'access_token' in result ? deliverTokens(req, reply, result) : result;
  }

  @Public()
  @Post('login/mfa')
  @HttpCode(200)
  @ApiOperation({ summary: 'Second sign-in step: a TOTP or recovery code' })
  @ApiOkResponse({ type: TokenPairView })
  async loginMfa(@Body() body: LoginMfaRequest, @Ctx() ctx: TenantContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return deliverTokens(req, reply, await this.rpc.request(Subjects.user.auth.loginMfa, { ...body, ip: req.ip }, ctx, SLOW));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token (body or cookie) for a new pair; the old one is spent' })
  @ApiOkResponse({ type: TokenPairView })
  async refresh(@Body() body: RefreshRequest, @Ctx() ctx: TenantContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const pair = await this.rpc.request(Subjects.user.auth.refresh, { refresh_token: refreshTokenFrom(req, body.refresh_token) }, ctx);
    return deliverTokens(req, reply, pair);
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke the refresh family and this access token' })
  @ApiBadRequestResponse({ description: 'Called with an API key: keys have no session; revoke one with DELETE /v1/api-keys/{id}' })
  async logout(@Body() body: RefreshRequest, @Ctx() ctx: TenantContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    // The guard has verified the token (ours always carry jti and exp); here we only need its id
    // and expiry to denylist it.
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const claims = token.startsWith('ek_') ? { jti: `api-key:${ctx.apiKeyId}`, exp: Math.floor(Date.now() / 1000) } : decodeJwt(token);
    clearRefreshCookie(reply);
    return this.rpc.request(Subjects.user.auth.logout, { refresh_token: refreshTokenFrom(req, body.refresh_token), jti: String(claims.jti), exp: Number(claims.exp) }, ctx);
  }

  /**
   * The caller's session as the gateway sees it, answered without asking any service: a cheap
   * check for clients (is my token still good, which tenant and role) and the route the
   * authentication-overhead benchmark uses.
   */
  @Authenticated()
  @Get('session')
  @ApiOperation({ summary: 'Who the bearer token speaks for (no service call)' })
  session(@Ctx() ctx: TenantContext) {
    return { user_id: ctx.userId, tenant_id: ctx.tenantId, role: ctx.role, api_key_id: ctx.apiKeyId };
  }

  @Public()
  @Post('password-reset')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask for a reset link; always 202, whether or not the account exists' })
  @ApiAcceptedResponse({ description: 'If the account exists, a link is on its way' })
  passwordReset(@Body() body: PasswordResetRequest, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.auth.passwordResetRequest, body, ctx);
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with a reset or invitation token; ends every session' })
  passwordResetConfirm(@Body() body: PasswordResetConfirm, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.auth.passwordResetConfirm, body, ctx, SLOW);
  }

  @Authenticated()
  @Post('mfa/enroll')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start two-factor enrolment: a TOTP secret for the authenticator app' })
  @ApiOkResponse({ type: MfaEnrollView })
  mfaEnroll(@Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.mfa.enroll, {}, ctx);
  }

  @Authenticated()
  @Post('mfa/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a code to switch two-factor sign-in on; returns recovery codes once' })
  @ApiOkResponse({ type: MfaActivatedView })
  mfaActivate(@Body() body: MfaCodeRequest, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.mfa.activate, body, ctx);
  }

  @Authenticated()
  @Post('mfa/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch two-factor sign-in off (needs a current code)' })
  mfaDisable(@Body() body: MfaCodeRequest, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.mfa.disable, body, ctx);
  }
}
