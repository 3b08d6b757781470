import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Registry } from 'prom-client';
import { TenantDatabase } from '@engage/database';
import { METRICS_REGISTRY, NATS_CONNECTION, REDIS } from './tokens';
import { withTimeout } from './with-timeout';

/**
 * Liveness (the process answers) is separate from readiness (its dependencies answer): a
 * Postgres outage takes pods out of rotation without restarting them.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly db: TenantDatabase,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.probe('database', () => this.db.ping()),
      () => this.probe('nats', () => this.nc.flush()),
      () => this.probe('redis', () => this.redis.ping()),
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics() {
    return this.registry.metrics();
  }

  private async probe(key: string, check: () => Promise<unknown>) {
    const session = this.indicator.check(key);
    try {
      await withTimeout(check(), 2000);
      return session.up();
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
