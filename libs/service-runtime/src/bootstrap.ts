import 'reflect-metadata';
import { type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NatsConnection } from 'nats';
import type { ServiceConfig } from '@engage/config';
import { onAfterCommitError } from '@engage/database';
import { createLogger, type Logger, PinoNestLogger } from '@engage/logging';
import { NatsRpcServer, RpcMetrics } from '@engage/messaging';
import type { ServiceDefinition } from './service-definition';
import { NATS_CONNECTION } from './tokens';

export interface BootstrapOptions<C extends ServiceConfig> {
  definition: ServiceDefinition;
  config: C;
  /** Builds the app module around the shared runtime. */
  module: (config: C, logger: Logger) => DynamicModule;
}

/**
 * Starts one service: its NATS request-reply handlers (queue group = service name) and a small
 * HTTP listener for health and metrics. SIGTERM drains NATS and exits within SHUTDOWN_GRACE_MS.
 */
export async function bootstrapService<C extends ServiceConfig>({ definition, config, module }: BootstrapOptions<C>) {
  const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  onAfterCommitError((error) => logger.warn({ err: error }, 'after-commit callback failed'));

  const app = await NestFactory.create<NestFastifyApplication>(module(config, logger), new FastifyAdapter(), {
    logger: new PinoNestLogger(logger),
    bufferLogs: true,
  });
  app.connectMicroservice(
    {
      strategy: new NatsRpcServer({
        nc: app.get<NatsConnection>(NATS_CONNECTION),
        queue: definition.name,
        logger,
        metrics: app.get(RpcMetrics),
      }),
    },
    { inheritAppConfig: false },
  );

  app.enableShutdownHooks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Nest's shutdown hook closes everything; this only bounds how long it may take.
      setTimeout(() => {
        logger.warn('shutdown grace period over; exiting');
        process.exit(1);
      }, config.SHUTDOWN_GRACE_MS).unref();
    });
  }

  await app.startAllMicroservices();
  await app.listen(config.PORT, '0.0.0.0');
  logger.info({ port: config.PORT }, `${definition.name} ready`);
  return app;
}
