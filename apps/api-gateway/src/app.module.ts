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

/**
 * The gateway: authenticates, rate-limits and validates, then forwards to the owning service
 * over NATS. It holds no business logic and no database.
 */
@Module({})
export class AppModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(config, logger)],
      controllers: [HealthController, MetricsController, JwksController, DiagnosticsController],
      providers: [
        JwksStore,
        TokenVerifier,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: ContextInterceptor },
      ],
    };
  }
}
