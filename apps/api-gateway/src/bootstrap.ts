import 'reflect-metadata';
import cookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { createLogger, type Logger, PinoNestLogger } from '@engage/logging';
import { createValidationPipe } from '@engage/messaging';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config';
import { setupDocs } from './http/docs';
import { installHttpHooks, requestIdFrom } from './http/fastify-hooks';

/** Builds the gateway application (used by main.ts and by tests that inspect the route table). */
export async function createGateway(
  config: GatewayConfig,
  logger: Logger = createLogger({ service: 'api-gateway', level: config.LOG_LEVEL }),
  { docs = true }: { docs?: boolean } = {},
) {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY > 0 ? config.TRUST_PROXY : false,
    genReqId: requestIdFrom,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: true,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  installHttpHooks(fastify, logger, { logProbes: config.LOG_PROBES });
  await app.register(cookie as never);
  app.enableCors({ origin: config.corsOrigins, credentials: true, exposedHeaders: ['X-Request-Id', 'ETag', 'Retry-After'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  // Swagger UI loads its static assets through a dynamic import (not available inside Jest).
  if (docs) setupDocs(app);
  return app;
}
