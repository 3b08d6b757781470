import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  IdentitySubjects,
  LoginCommand,
  LoginMfaCommand,
  LogoutCommand,
  MfaCodeRequest,
  PasswordResetConfirm,
  PasswordResetRequest,
  RefreshRequest,
  SignupRequest,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { assertSignedIn } from '../access';
import { MfaService } from '../mfa/mfa.service';
import { AuthService } from './auth.service';
import { SigningKeysService } from './signing-keys.service';

@RpcController()
export class AuthHandler {
  constructor(
    private readonly auth: AuthService,
    private readonly mfa: MfaService,
    private readonly keys: SigningKeysService,
  ) {}

  @MessagePattern(IdentitySubjects.signup)
  signup(@Payload() dto: SignupRequest, @Caller() ctx: RequestContext) {
    return this.auth.signup(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.login)
  login(@Payload() dto: LoginCommand, @Caller() ctx: RequestContext) {
    return this.auth.login(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.loginMfa)
  loginMfa(@Payload() dto: LoginMfaCommand, @Caller() ctx: RequestContext) {
    return this.auth.loginWithMfa(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.refresh)
  refresh(@Payload() dto: RefreshRequest, @Caller() ctx: RequestContext) {
    return this.auth.refresh(ctx, dto.refresh_token);
  }

  @MessagePattern(IdentitySubjects.logout)
  logout(@Payload() dto: LogoutCommand, @Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.auth.logout(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.passwordResetRequest)
  requestReset(@Payload() dto: PasswordResetRequest, @Caller() ctx: RequestContext) {
    return this.auth.requestPasswordReset(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.passwordResetConfirm)
  confirmReset(@Payload() dto: PasswordResetConfirm, @Caller() ctx: RequestContext) {
    return this.auth.confirmPasswordReset(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.jwks)
  jwks() {
    return this.keys.jwks();
  }

  @MessagePattern(IdentitySubjects.mfaEnroll)
  mfaEnroll(@Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.mfa.enroll(ctx);
  }

  @MessagePattern(IdentitySubjects.mfaActivate)
  mfaActivate(@Payload() dto: MfaCodeRequest, @Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.mfa.activate(ctx, dto.code);
  }

  @MessagePattern(IdentitySubjects.mfaDisable)
  mfaDisable(@Payload() dto: MfaCodeRequest, @Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.mfa.disable(ctx, dto.code);
  }
}
