import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** Twilio's callbacks are a few kilobytes of form fields; anything far larger is not Twilio. */
export const FORM_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Teaches Fastify `application/x-www-form-urlencoded`, the body Twilio posts its callbacks in:
 * parsed into plain string fields (the last value of a repeated name, as Twilio's signature
 * assumes one), at most 64 KB (413 beyond). Only the provider webhook routes read it.
 */
@Injectable()
export class FormBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const type = 'application/x-www-form-urlencoded';
    if (fastify.hasContentTypeParser(type)) return;
    fastify.addContentTypeParser(type, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  }
}
