import { Payload } from '@nestjs/microservices';
import {
  type EmptyRequest,
  Subjects,
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
import { Caller, Handles, RpcController } from '@engage/messaging';
import { assertSignedIn } from '@engage/access';
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

  @Handles(Subjects.user.auth.signup)
  signup(@Payload() dto: SignupRequest, @Caller() ctx: RequestContext) {
    return this.auth.signup(ctx, dto);
  }

  @Handles(Subjects.user.auth.login)
  login(@Payload() dto: LoginCommand, @Caller() ctx: RequestContext) {
    return this.auth.login(ctx, dto);
  }

  @Handles(Subjects.user.auth.loginMfa)
  loginMfa(@Payload() dto: LoginMfaCommand, @Caller() ctx: RequestContext) {
    return this.auth.loginWithMfa(ctx, dto);
  }

  @Handles(Subjects.user.auth.refresh)
  refresh(@Payload() dto: RefreshRequest, @Caller() ctx: RequestContext) {
    return this.auth.refresh(ctx, dto.refresh_token);
  }

  @Handles(Subjects.user.auth.logout)
  logout(@Payload() dto: LogoutCommand, @Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.auth.logout(ctx, dto);
  }

  @Handles(Subjects.user.auth.passwordResetRequest)
  requestReset(@Payload() dto: PasswordResetRequest, @Caller() ctx: RequestContext) {
    return this.auth.requestPasswordReset(ctx, dto);
  }

  @Handles(Subjects.user.auth.passwordResetConfirm)
  confirmReset(@Payload() dto: PasswordResetConfirm, @Caller() ctx: RequestContext) {
    return this.auth.confirmPasswordReset(ctx, dto);
  }

  @Handles(Subjects.user.auth.jwks)
  jwks() {
    return this.keys.jwks();
  }

  @Handles(Subjects.user.mfa.enroll)
  mfaEnroll(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.mfa.enroll(ctx);
  }

  @Handles(Subjects.user.mfa.activate)
  mfaActivate(@Payload() dto: MfaCodeRequest, @Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.mfa.activate(ctx, dto.code);
  }

  @Handles(Subjects.user.mfa.disable)
  mfaDisable(@Payload() dto: MfaCodeRequest, @Caller() ctx: RequestContext) {
    assertSignedIn(ctx);
    return this.mfa.disable(ctx, dto.code);
  }
}
