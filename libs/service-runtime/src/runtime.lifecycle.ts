import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { JetStreamManager, NatsConnection } from 'nats';
import type { ServiceConfig } from '@engage/config';
import type { Logger } from '@engage/logging';
import { EventStreams } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import { ensureStream, OutboxRelay, purgeConsumerBookkeeping } from '@engage/messaging';
import { SchedulerRegistry } from '@nestjs/schedule';
import { EventConsumers } from './event-consumers';
import { RecurringJob } from './recurring-job';
import type { ServiceDefinition } from './service-definition';
import { JETSTREAM_MANAGER, LOGGER, NATS_CONNECTION, REDIS, SERVICE_CONFIG, SERVICE_DEFINITION } from './tokens';

const RETENTION_JOB = 'messaging-retention';

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
    scheduler: SchedulerRegistry,
  ) {
    this.retention = new RecurringJob(scheduler, RETENTION_JOB, logger);
  }

  private readonly retention: RecurringJob;

  async onApplicationBootstrap(): Promise<void> {
    const settings = { retentionDays: this.config.EVENT_RETENTION_DAYS, replicas: this.config.JETSTREAM_REPLICAS };
    await ensureStream(this.jsm, this.definition.stream, settings);
    await ensureStream(this.jsm, EventStreams.deadLetter, settings);
    await this.relay.start();
    this.consumers.start();
    // Hourly: consumer bookkeeping older than the stream's retention protects against nothing.
    this.retention.start(60 * 60 * 1000, () => this.purgeBookkeeping());
  }

  /** One retention pass over the service's inbox and applied-versions rows (also for tests and operators). */
  async purgeBookkeeping(): Promise<void> {
    try {
      const purged = await purgeConsumerBookkeeping(this.db, this.definition.schema, this.config.EVENT_RETENTION_DAYS);
      if (purged.inbox || purged.appliedVersions) this.logger.info({ purged }, 'consumer bookkeeping past retention purged');
    } catch (error) {
      this.logger.warn({ err: error }, 'consumer bookkeeping purge failed; next pass in an hour');
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'shutting down');
    await this.retention.stop();
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
