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
import { SERVICE_CONFIG } from '@engage/service-runtime';
import { BillingHandler } from './billing/billing.handler';
import { BillingService } from './billing/billing.service';
import { createStripeClient, STRIPE } from './billing/stripe-client';
import type { UserConfig } from './config';
import { TenantsHandler } from './tenants/tenants.handler';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';
import { UsersHandler } from './users/users.handler';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/** Tenants, users, authentication, MFA, API keys and billing. */
@Module({
  controllers: [AuthHandler, UsersHandler, TenantsHandler, ApiKeysHandler, BillingHandler],
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
    BillingService,
    { provide: STRIPE, inject: [SERVICE_CONFIG], useFactory: (config: UserConfig) => createStripeClient(config) },
  ],
})
export class IdentityModule {}
