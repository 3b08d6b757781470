import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { MAX_IMPORT_BYTES } from '@engage/contracts';

/**
 * Teaches Fastify the multipart form a CSV may arrive in (the raw `text/csv` body is handed over
 * as a stream by the gateway's body parsers): @fastify/multipart gives the file part as a stream,
 * and the 100 MB limit is enforced while reading. Only the import route accepts either type
 * (`@AcceptsBody('csv')`); every other route answers them with 415.
 */
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('multipart/form-data')) {
      void fastify.register(multipart as never, { limits: { fileSize: MAX_IMPORT_BYTES + 1, files: 1, fields: 10, fieldSize: 16_384 } });
    }
  }
}
