import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@engage/config';
import { createLogger } from '@engage/logging';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { buildOpenApiDocument } from './http/docs';

/**
 * The OpenAPI document the gateway serves at /docs/openapi.json, built without connecting to
 * anything: Nest's preview mode reads the module graph, routes and DTOs without running a
 * provider (no NATS, no Redis). Used by the lint in tools/openapi/lint.mjs.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  // Placeholders: in preview mode no provider runs, so nothing dials these.
  const config = loadConfig(GatewayConfig, { NATS_URL: 'nats://127.0.0.1:4222', REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'silent' });
  const logger = createLogger({ service: 'api-gateway', level: 'silent' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, logger), new FastifyAdapter(), { preview: true, logger: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
