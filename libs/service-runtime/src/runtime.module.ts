import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import Redis from 'ioredis';
import type { JetStreamClient, NatsConnection } from 'nats';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { ServiceConfig } from '@engage/config';
import { createDataSource, runMigrations, TenantDatabase } from '@engage/database';
import type { Logger } from '@engage/logging';
import { connectNats, OutboxRelay, OutboxWriter, RpcClient, RpcMetrics } from '@engage/messaging';
import { EventConsumers } from './event-consumers';
import { HealthController } from './health.controller';
import { RuntimeLifecycle } from './runtime.lifecycle';
import type { ServiceDefinition } from './service-definition';
import { createSystemHandler } from './system.handler';
import {
  JETSTREAM,
  JETSTREAM_MANAGER,
  LOGGER,
  METRICS_REGISTRY,
  NATS_CONNECTION,
  REDIS,
  SERVICE_CONFIG,
  SERVICE_DEFINITION,
} from './tokens';

/** The service's TypeORM data source: private to this module; everything else uses TenantDatabase. */
const DATA_SOURCE = Symbol('DATA_SOURCE');

export interface RuntimeOptions {
  definition: ServiceDefinition;
  config: ServiceConfig;
  logger: Logger;
}

/**
 * The shared runtime of a service: NATS (request-reply and JetStream), its database (runtime
 * role, tenant transactions), Redis, the outbox writer and relay, health and metrics. Global, so
 * feature modules inject what they need and nothing else.
 */
@Global()
@Module({})
export class ServiceRuntimeModule {
  static forRoot({ definition, config, logger }: RuntimeOptions): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      imports: [TerminusModule.forRoot({ logger: false }), DiscoveryModule, ScheduleModule.forRoot()],
      controllers: [HealthController, createSystemHandler(definition.name)],
      providers: [
        { provide: SERVICE_DEFINITION, useValue: definition },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: METRICS_REGISTRY,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ service: definition.name });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        { provide: RpcMetrics, inject: [METRICS_REGISTRY], useFactory: (r: Registry) => new RpcMetrics(r) },
        {
          provide: NATS_CONNECTION,
          useFactory: () => connectNats({ ...config.natsConnection, name: definition.name, logger }),
        },
        { provide: JETSTREAM, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => nc.jetstream() },
        { provide: JETSTREAM_MANAGER, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => nc.jetstreamManager() },
        {
          provide: REDIS,
          useFactory: () =>
            new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectionName: definition.name }),
        },
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            if (config.MIGRATE_ON_BOOT && config.MIGRATION_DATABASE_URL) {
              const owner = createDataSource({
                url: config.MIGRATION_DATABASE_URL,
                schema: definition.schema,
                entities: definition.entities,
                migrations: definition.migrations,
                poolSize: 1,
                applicationName: `${definition.name}-migrate`,
              });
              await owner.initialize();
              try {
                const { applied } = await runMigrations(owner);
                if (applied.length) logger.info({ applied }, 'migrations applied');
              } finally {
                await owner.destroy();
              }
            }
            const dataSource = createDataSource({
              url: config.DATABASE_URL,
              schema: definition.schema,
              entities: definition.entities,
              poolSize: config.DB_POOL_SIZE,
              applicationName: definition.name,
            });
            return dataSource.initialize();
          },
        },
        { provide: TenantDatabase, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new TenantDatabase(ds) },
        { provide: OutboxWriter, useValue: new OutboxWriter(definition.schema) },
        {
          provide: OutboxRelay,
          inject: [TenantDatabase, JETSTREAM],
          useFactory: (db: TenantDatabase, js: JetStreamClient) =>
            new OutboxRelay({ db, listenUrl: config.DATABASE_URL, schema: definition.schema, js, logger }),
        },
        {
          provide: RpcClient,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => new RpcClient(nc, config.NATS_REQUEST_TIMEOUT_MS),
        },
        RuntimeLifecycle,
        EventConsumers,
      ],
      exports: [
        SERVICE_DEFINITION,
        SERVICE_CONFIG,
        LOGGER,
        METRICS_REGISTRY,
        RpcMetrics,
        NATS_CONNECTION,
        JETSTREAM,
        JETSTREAM_MANAGER,
        REDIS,
        TenantDatabase,
        OutboxWriter,
        OutboxRelay,
        RpcClient,
      ],
    };
  }
}
