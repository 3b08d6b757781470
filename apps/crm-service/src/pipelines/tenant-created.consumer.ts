import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from 'nats';
import { EventStreams, IdentityEvents } from '@engage/contracts';
import { TenantDatabase } from '@engage/database';
import type { Logger } from '@engage/logging';
import { DurableConsumer } from '@engage/messaging';
import { JETSTREAM, JETSTREAM_MANAGER, LOGGER } from '@engage/service-runtime';
import { SCHEMA } from '../database/schema';
import { PipelinesService } from './pipelines.service';

/**
 * Gives every new tenant its default pipeline as soon as user-service announces the tenant.
 * (The pipeline is also created on first use, so a tenant never misses it if this runs late.)
 */
@Injectable()
export class TenantCreatedConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: DurableConsumer | null = null;

  constructor(
    private readonly db: TenantDatabase,
    private readonly pipelines: PipelinesService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer({
      name: 'crm-default-pipeline',
      stream: EventStreams.identity.name,
      filterSubject: IdentityEvents.tenantCreated,
      schema: SCHEMA,
      db: this.db,
      js: this.js,
      jsm: this.jsm,
      logger: this.logger,
      handle: async (tx, event) => {
        await this.pipelines.ensureDefault(tx, event.tenant_id);
      },
    });
    // Not awaited: the consumer waits for user-service's stream, and must not hold up readiness.
    this.consumer.start().catch((error: unknown) => this.logger.error({ err: error }, 'tenant-created consumer did not start'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
