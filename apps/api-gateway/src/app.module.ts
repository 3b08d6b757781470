import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type Redis from 'ioredis';
import type { Logger } from '@engage/logging';
import { AuthGuard } from './auth/auth.guard';
import { BillingGate } from './auth/billing-gate';
import { JwksController } from './auth/jwks.controller';
import { JwksStore } from './auth/jwks.store';
import { TokenVerifier } from './auth/token-verifier';
import type { GatewayConfig } from './config';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';
import { BenchProbesController } from './health/bench-probes.controller';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { HttpErrorFilter } from './http/http-error.filter';
import { InfraModule } from './infra/infra.module';
import { CrmGatewayModule } from './crm/crm-gateway.module';
import { IdentityGatewayModule } from './identity/identity-gateway.module';
import { AccessGate } from './auth/access-gate';
import { GATEWAY_REDIS } from './infra/tokens';
import { TelephonyGatewayModule } from './telephony/telephony-gateway.module';
import { AuditGatewayModule } from './audit/audit.controller';
import { ActivityGatewayModule } from './activity/activity-gateway.module';
import { realtimeProviders } from './realtime/realtime.providers';
import { NotificationGatewayModule } from './notification/notification-gateway.module';
// new:service imports

/**
 * The gateway: authenticates, rate-limits and validates, then forwards to the owning service
 * over NATS. It holds no business logic and no database.
 */
@Module({})
export class AppModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfraModule.forRoot(config, logger),
        IdentityGatewayModule,
        CrmGatewayModule,
        TelephonyGatewayModule,
        AuditGatewayModule,
        ActivityGatewayModule,
        NotificationGatewayModule,
        // new:service modules
      ],
      controllers: [HealthController, MetricsController, JwksController, DiagnosticsController, ...(config.BENCH_PROBES ? [BenchProbesController] : [])],
      providers: [
        JwksStore,
        TokenVerifier,
        { provide: AccessGate, inject: [GATEWAY_REDIS], useFactory: (redis: Redis) => new AccessGate(redis) },
        BillingGate,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ...realtimeProviders,
      ],
    };
  }
}
