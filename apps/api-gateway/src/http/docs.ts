import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI at /docs/openapi.json and Swagger UI at /docs, generated from the routes and DTOs. */
export function buildOpenApiDocument(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('Engage API')
    .setDescription(
      'Public REST API of Engage. JSON fields are snake_case, ids are UUIDs, times are ISO-8601 UTC. ' +
        'Lists return { data, page: { next_cursor, has_more } }. Errors return { error, message, details?, request_id, timestamp }. ' +
        'Authenticate with `Authorization: Bearer <access token or API key>`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

export function setupDocs(app: INestApplication) {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', raw: ['json'] });
  return document;
}
