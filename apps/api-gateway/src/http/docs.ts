import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';

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
    // Relative: the API is served from the origin this document comes from.
    .addServer('/', 'This Engage deployment')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Swagger UI runs in the API's origin: a script injected into it (the classic `?url=` trick that
 * loads a hostile spec) could act with a signed-in user's token. The page may load scripts only
 * from /docs itself and talk only to this origin; no framing; no MIME sniffing.
 */
export const DOCS_SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    // Swagger UI's page has an inline <style> and React sets style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function setupDocs(app: INestApplication) {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (req.url === '/docs' || req.url.startsWith('/docs/') || req.url.startsWith('/docs?')) void reply.headers(DOCS_SECURITY_HEADERS);
    done(null, payload);
  });
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', raw: ['json'] });
  return document;
}
