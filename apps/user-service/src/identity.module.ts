import { Module } from '@nestjs/common';
import { ApiKeysHandler } from './api-keys/api-keys.handler';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuthHandler } from './auth/auth.handler';
import { AuthService } from './auth/auth.service';
import { LinkMailer } from './auth/link-mailer';
import { LoginThrottle } from './auth/login-throttle';
import { MfaChallenges } from './auth/mfa-challenges';
import { RefreshFamilies } from './auth/refresh-families';
import { Revocations } from './auth/revocations';
import { SessionIssuer } from './auth/session-issuer';
import { SigningKeysService } from './auth/signing-keys.service';
import { TokensRepository } from './auth/tokens.repository';
import { MfaService } from './mfa/mfa.service';
import { TenantsHandler } from './tenants/tenants.handler';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';
import { UsersHandler } from './users/users.handler';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/** Tenants, users, authentication, MFA and API keys. */
@Module({
  controllers: [AuthHandler, UsersHandler, TenantsHandler, ApiKeysHandler],
  providers: [
    AuthService,
    LinkMailer,
    SessionIssuer,
    SigningKeysService,
    LoginThrottle,
    MfaChallenges,
    Revocations,
    RefreshFamilies,
    TokensRepository,
    MfaService,
    UsersService,
    UsersRepository,
    TenantsService,
    TenantsRepository,
    ApiKeysService,
    ApiKeysRepository,
  ],
})
export class IdentityModule {}
