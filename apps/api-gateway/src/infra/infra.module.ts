import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Logger } from '@engage/logging';
import { connectNats, RpcClient } from '@engage/messaging';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG, GATEWAY_LOGGER, GATEWAY_NATS, GATEWAY_REDIS } from './tokens';

class InfraShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_NATS) private readonly nc: NatsConnection,
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}
  async onApplicationShutdown() {
    await this.nc.drain().catch(() => undefined);
    this.redis.disconnect();
    this.logger.info('stopped');
    this.logger.flush();
  }
}

/** The gateway's connections: NATS (to reach services) and Redis (token revocation, rate limits). No database. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_LOGGER, useValue: logger },
        { provide: GATEWAY_NATS, useFactory: () => connectNats({ ...config.natsConnection, name: 'api-gateway', logger }) },
        {
          provide: GATEWAY_REDIS,
          useFactory: () => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, connectionName: 'api-gateway', enableAutoPipelining: true }),
        },
        {
          provide: RpcClient,
          inject: [GATEWAY_NATS],
          useFactory: (nc: NatsConnection) => new RpcClient(nc, config.NATS_REQUEST_TIMEOUT_MS),
        },
        InfraShutdown,
      ],
      exports: [GATEWAY_CONFIG, GATEWAY_LOGGER, GATEWAY_NATS, GATEWAY_REDIS, RpcClient],
    };
  }
}
