import { Inject, type Type } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import { type ContextEchoReply, type EmptyRequest, type ServiceHealthReply, type ServiceName, systemSubjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { NATS_CONNECTION, REDIS } from './tokens';
import { withTimeout } from './with-timeout';

const started = Date.now();
const VERSION = '0.1.0';

const check = async (probe: () => Promise<unknown>) => {
  try {
    await withTimeout(probe(), 1500);
    return { status: 'up' as const };
  } catch (error) {
    return { status: 'down' as const, message: (error as Error).message };
  }
};

/** The system subjects every service answers: health (for the gateway's /health) and context echo. */
export function createSystemHandler(service: ServiceName): Type<unknown> {
  const subjects = systemSubjects(service);

  @RpcController()
  class SystemHandler {
    constructor(
      private readonly db: TenantDatabase,
      @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
      @Inject(REDIS) private readonly redis: Redis,
    ) {}

    @Handles(subjects.health)
    async health(): Promise<ServiceHealthReply> {
      const [database, redis] = await Promise.all([check(() => this.db.ping()), check(() => this.redis.ping())]);
      const checks = { database, redis, nats: { status: this.nc.isClosed() ? ('down' as const) : ('up' as const) } };
      return {
        service,
        status: Object.values(checks).every((c) => c.status === 'up') ? 'up' : 'down',
        checks,
        version: VERSION,
        uptime_s: Math.round((Date.now() - started) / 1000),
      };
    }

    @Handles(subjects.context)
    context(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext): ContextEchoReply {
      return {
        service,
        request_id: ctx.requestId,
        tenant_id: ctx.tenantId,
        user_id: ctx.userId,
        role: ctx.role,
        traceparent: ctx.traceparent,
      };
    }
  }
  Object.defineProperty(SystemHandler, 'name', { value: `${service.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}SystemHandler` });
  return SystemHandler;
}
