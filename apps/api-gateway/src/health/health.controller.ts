import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import { type ServiceHealthReply, Services, systemSubjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import { Operations, Public } from '../auth/route-access.decorator';
import { GATEWAY_NATS, GATEWAY_REDIS } from '../infra/tokens';

type ServiceStatus = ServiceHealthReply | { service: string; status: 'down'; error: string };

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(GATEWAY_NATS) private readonly nc: NatsConnection,
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
  ) {}

  /**
   * The public answer: 200 `{ status: "ok" }` when every service answered and reports its
   * dependencies up, 503 `{ status: "degraded" }` otherwise. Nothing else (no versions, memory
   * or uptime); operators read those at `/health/details`.
   */
  @Public()
  @Get('health')
  @ApiOperation({ summary: 'Whether every service is up', security: [] })
  @ApiOkResponse({ description: '`{ "status": "ok" }`: every service answered and reports its dependencies up' })
  @ApiServiceUnavailableResponse({ description: '`{ "status": "degraded" }`: a service is down or one of its dependencies is' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const { allUp } = await this.survey();
    void reply.status(allUp ? 200 : 503);
    return { status: allUp ? 'ok' : 'degraded' };
  }

  /** Each service's own report (version, uptime, memory, dependencies), for operators. */
  @Operations()
  @Get('health/details')
  async details(@Res({ passthrough: true }) reply: FastifyReply) {
    const { allUp, services } = await this.survey();
    void reply.status(allUp ? 200 : 503);
    return {
      status: allUp ? 'ok' : 'degraded',
      gateway: 'up',
      services: Object.fromEntries(services.map((s) => [s.service, s])),
    };
  }

  /** Asks every service over NATS for its health. */
  private async survey() {
    const services = await Promise.all(
      Object.values(Services).map(async (service): Promise<ServiceStatus> => {
        try {
          return await this.rpc.request(systemSubjects(service).health, {}, systemContext(), { timeoutMs: 2000 });
        } catch (error) {
          return { service, status: 'down', error: error instanceof DomainError ? error.code : 'unavailable' };
        }
      }),
    );
    return { allUp: services.every((s) => s.status === 'up'), services };
  }

  @Public()
  @Get('health/live')
  @ApiExcludeEndpoint()
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const nats = !this.nc.isClosed() && (await this.nc.flush().then(() => true, () => false));
    const redis = await this.redis.ping().then(() => true, () => false);
    void reply.status(nats && redis ? 200 : 503);
    return { status: nats && redis ? 'ok' : 'unavailable', checks: { nats: nats ? 'up' : 'down', redis: redis ? 'up' : 'down' } };
  }
}
