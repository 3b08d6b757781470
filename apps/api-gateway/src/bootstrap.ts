import 'reflect-metadata';
import cookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { createLogger, type Logger, PinoNestLogger } from '@engage/logging';
import { createValidationPipe } from '@engage/messaging';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config';
import { installBodyParsers } from './http/body-parsers';
import { setupDocs } from './http/docs';
import { installHttpHooks, requestIdFrom } from './http/fastify-hooks';
import { RealtimeWsAdapter } from './realtime/realtime-ws-adapter';

/**
 * Connection timeouts, so that a slow or silent client cannot hold a connection: Node checks
 * them every second (its default, 30 s, let a trickled request live 30 s past its timeout).
 */
export function httpTimeouts(config: GatewayConfig) {
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    throw new Error('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  return {
    connectionTimeout: config.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
  };
}

/** Builds the gateway application (used by main.ts and by tests that inspect the route table). */
export async function createGateway(
  config: GatewayConfig,
  logger: Logger = createLogger({ service: 'api-gateway', level: config.LOG_LEVEL }),
  { docs = true }: { docs?: boolean } = {},
) {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    ...httpTimeouts(config),
    trustProxy: config.TRUST_PROXY > 0 ? config.TRUST_PROXY : false,
    genReqId: requestIdFrom,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: true,
    // The gateway installs its own parsers (JSON only by default, depth-limited; see body-parsers).
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  installHttpHooks(fastify, logger, { logProbes: config.LOG_PROBES });
  installBodyParsers(fastify, { bodyLimit: config.BODY_LIMIT_BYTES, bodyTimeoutMs: config.HTTP_BODY_TIMEOUT_MS });
  await app.register(cookie as never);
  app.enableCors({ origin: config.corsOrigins, credentials: true, exposedHeaders: ['X-Request-Id', 'ETag', 'Retry-After'] });
  app.useGlobalPipes(createValidationPipe());
  // `/v1/realtime` upgrades on the same HTTP server and port (see realtime/realtime.gateway.ts).
  app.useWebSocketAdapter(new RealtimeWsAdapter(app, config.REALTIME_MAX_FRAME_BYTES, logger));
  app.enableShutdownHooks();
  // Swagger UI loads its static assets through a dynamic import (not available inside Jest).
  if (docs) setupDocs(app);
  return app;
}
