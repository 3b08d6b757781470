import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { Logger } from '@engage/logging';
import { AuthGuard } from './auth/auth.guard';
import { JwksController } from './auth/jwks.controller';
import { JwksStore } from './auth/jwks.store';
import { TokenVerifier } from './auth/token-verifier';
import type { GatewayConfig } from './config';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { ContextInterceptor } from './http/context.interceptor';
import { HttpErrorFilter } from './http/http-error.filter';
import { InfraModule } from './infra/infra.module';
import { CrmGatewayModule } from './crm/crm-gateway.module';
import { IdentityGatewayModule } from './identity/identity-gateway.module';
import { RateLimitGuard } from './auth/rate-limit.guard';

/**
 * The gateway: authenticates, rate-limits and validates, then forwards to the owning service
 * over NATS. It holds no business logic and no database.
 */
@Module({})
export class AppModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(config, logger), IdentityGatewayModule, CrmGatewayModule],
      controllers: [HealthController, MetricsController, JwksController, DiagnosticsController],
      providers: [
        JwksStore,
        TokenVerifier,
        // Order matters: authentication first, then the budgets of the now-known user and tenant.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: ContextInterceptor },
      ],
    };
  }
}
