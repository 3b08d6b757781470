import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import { type ServiceHealthReply, Services, systemSubjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import { Public } from '../auth/route-access.decorator';
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

  /** Asks every service over NATS; 200 when all are up, 503 otherwise, with each one's report. */
  @Public()
  @Get('health')
  @ApiOkResponse({ description: 'Every service answered and reports its dependencies up' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const services = await Promise.all(
      Object.values(Services).map(async (service): Promise<ServiceStatus> => {
        try {
          return await this.rpc.request(systemSubjects(service).health, {}, systemContext(), { timeoutMs: 2000 });
        } catch (error) {
          return { service, status: 'down', error: error instanceof DomainError ? error.code : 'unavailable' };
        }
      }),
    );
    const allUp = services.every((s) => s.status === 'up');
    void reply.status(allUp ? 200 : 503);
    return {
      status: allUp ? 'ok' : 'degraded',
      gateway: 'up',
      services: Object.fromEntries(services.map((s) => [s.service, s])),
    };
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
