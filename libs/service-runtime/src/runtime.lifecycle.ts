import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { JetStreamManager, NatsConnection } from 'nats';
import type { ServiceConfig } from '@engage/config';
import type { Logger } from '@engage/logging';
import { EventStreams } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import { ensureStream, OutboxRelay } from '@engage/messaging';
import { EventConsumers } from './event-consumers';
import type { ServiceDefinition } from './service-definition';
import { JETSTREAM_MANAGER, LOGGER, NATS_CONNECTION, REDIS, SERVICE_CONFIG, SERVICE_DEFINITION } from './tokens';

/** Starts the outbox relay once the service is up; on shutdown, stops it and closes connections in order. */
@Injectable()
export class RuntimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly relay: OutboxRelay,
    private readonly db: TenantDatabase,
    private readonly consumers: EventConsumers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const settings = { retentionDays: this.config.EVENT_RETENTION_DAYS, replicas: this.config.JETSTREAM_REPLICAS };
    await ensureStream(this.jsm, this.definition.stream, settings);
    await ensureStream(this.jsm, EventStreams.deadLetter, settings);
    await this.relay.start();
    this.consumers.start();
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'shutting down');
    await this.consumers.stop();
    await this.relay.stop();
    // Drain: finish in-flight requests and flush publishes before closing.
    await this.nc.drain().catch(() => undefined);
    await this.db.close().catch(() => undefined);
    this.redis.disconnect();
    this.logger.info('stopped');
    this.logger.flush();
  }
}
