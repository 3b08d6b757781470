import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { MAX_IMPORT_BYTES } from '@engage/contracts';
import { CSV_CONTENT_TYPES } from './csv-upload';

/**
 * Teaches Fastify the two ways a CSV arrives, without buffering either: a `text/csv` body is
 * handed to the route as the raw request stream; `multipart/form-data` goes through
 * @fastify/multipart, whose file part is a stream too. The 100 MB limit is enforced while reading.
 */
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const type of CSV_CONTENT_TYPES) {
      if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
    }
    if (!fastify.hasContentTypeParser('multipart/form-data')) {
      void fastify.register(multipart as never, { limits: { fileSize: MAX_IMPORT_BYTES + 1, files: 1, fields: 10, fieldSize: 16_384 } });
    }
  }
}
