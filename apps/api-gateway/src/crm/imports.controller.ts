import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import {
  Subjects,
  IMPORT_CHUNK_BYTES,
  ImportAccepted,
  ImportOptionsQuery,
  ImportView,
  ListContactsQuery,
  MAX_IMPORT_BYTES,
} from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { ValidationError } from '@engage/errors';
import { RpcClient, validationDetails } from '@engage/messaging';
import type { Logger } from '@engage/logging';
import { RequirePermission } from '../auth/route-access.decorator';
import { AcceptsBody } from '../http/body-parsers';
import { GATEWAY_LOGGER } from '../infra/tokens';
import { Ctx } from '../http/request-context';
import { EXPORT_COLUMNS, exportRow } from './contacts-csv';
import { chunksOf, csvUpload, parseMapping } from './csv-upload';
import { IdParam } from './id-param';

/** Appends in flight at once: enough to keep NATS and the database busy, few enough to bound memory. */
const APPEND_CONCURRENCY = 4;
const EXPORT_PAGE = 200;

@ApiTags('imports')
@Controller('v1')
export class ImportsController {
  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Streams the upload to crm-service in ordered chunks (never the whole file in memory, never a
   * NATS message near its size limit), then starts the job. Rows are processed asynchronously.
   */
  @RequirePermission('imports', 'create')
  @Post('contacts/import')
  @AcceptsBody('csv')
  @HttpCode(202)
  @ApiOperation({ summary: 'Import contacts from a CSV (≤ 100 MB, text/csv body or multipart file); progress at GET /v1/imports/:id' })
  @ApiConsumes('text/csv', 'multipart/form-data')
  @ApiBody({ description: 'The CSV file (header row first)', schema: { type: 'string', format: 'binary' } })
  @ApiAcceptedResponse({ type: ImportAccepted })
  @ApiPayloadTooLargeResponse({ description: 'Over 100 MB' })
  async import(@Req() req: FastifyRequest, @Query() query: ImportOptionsQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImportAccepted> {
    try {
      return await this.receive(req, query, ctx, reply);
    } catch (error) {
      // Refused before the whole body arrived (too large, a bad form): the rest of the upload is
      // still on the wire, so this connection cannot carry another request. Close it after the
      // answer rather than let the client's next request be read as leftover CSV.
      if (!req.raw.complete) void reply.header('Connection', 'close');
      throw error;
    }
  }

  private async receive(req: FastifyRequest, query: ImportOptionsQuery, ctx: TenantContext, reply: FastifyReply): Promise<ImportAccepted> {
    const upload = await csvUpload(req);
    const options = plainToInstance(ImportOptionsQuery, { ...query, ...upload.fields });
    const errors = await validate(options, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new ValidationError('The request is not valid.', validationDetails(errors));
    const mapping = parseMapping(options.mapping);

    let jobId: string | null = null;
    let seq = 0;
    const inflight = new Set<Promise<unknown>>();
    try {
      if (upload.stream) {
        for await (const chunk of chunksOf(upload.stream, IMPORT_CHUNK_BYTES, MAX_IMPORT_BYTES)) {
          jobId ??= (
            await this.rpc.request(
              Subjects.crm.imports.create,
              { mapping, on_duplicate: options.on_duplicate, default_country: options.default_country, filename: upload.filename ?? undefined },
              ctx,
            )
          ).job_id;
          const append = this.rpc.request(Subjects.crm.imports.append, { id: jobId, seq: seq++, data: chunk.toString('base64') }, ctx, { timeoutMs: 30_000 });
          inflight.add(append);
          void append.finally(() => inflight.delete(append)).catch(() => undefined);
          if (inflight.size >= APPEND_CONCURRENCY) await Promise.race(inflight);
        }
      }
      await Promise.all(inflight);
    } catch (error) {
      // The upload failed (too large, the client went away, the stream or an append broke): the
      // job can never start, so its chunks are deleted now rather than left in the database.
      if (jobId) await this.abandon(jobId, inflight, ctx);
      throw error;
    }
    if (!jobId) throw new ValidationError('The CSV file is empty.', { fields: { file: ['is empty'] } });
    const started = await this.rpc.request(Subjects.crm.imports.start, { id: jobId }, ctx);
    void reply.header('Location', `/v1/imports/${jobId}`);
    return started;
  }

  /**
   * Discards a failed upload once the appends in flight have settled. If this fails too (crm-service
   * unreachable), the sweeper in crm-service deletes the upload after it stayed silent long enough.
   */
  private async abandon(jobId: string, inflight: Set<Promise<unknown>>, ctx: TenantContext): Promise<void> {
    await Promise.allSettled(inflight);
    try {
      await this.rpc.request(Subjects.crm.imports.abandon, { id: jobId }, ctx);
    } catch (error) {
      this.logger.warn({ err: error, import_id: jobId }, 'could not discard a failed import upload; the sweep will');
    }
  }

  @RequirePermission('imports', 'read')
  @Get('imports/:id')
  @ApiOperation({ summary: 'Progress of an import: processed, created, updated, skipped, failed rows with reasons' })
  @ApiOkResponse({ type: ImportView })
  get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<ImportView> {
    return this.rpc.request(Subjects.crm.imports.get, { id }, ctx);
  }

  @RequirePermission('imports', 'read')
  @Get('imports/:id/errors.csv')
  @ApiOperation({ summary: 'Every row error of an import, as CSV (row, field, reason)' })
  @ApiProduces('text/csv')
  async errors(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res() reply: FastifyReply): Promise<void> {
    const first = await this.rpc.request(Subjects.crm.imports.errors, { id, limit: 5000 }, ctx);
    const rpc = this.rpc;
    async function* rows() {
      yield stringify([['row', 'field', 'reason']]);
      let page = first;
      for (;;) {
        if (page.data.length) yield stringify(page.data.map((e) => [e.row, e.field ?? '', e.reason]));
        if (!page.has_more) return;
        page = await rpc.request(Subjects.crm.imports.errors, { id, limit: 5000, after_row: page.data[page.data.length - 1].row }, ctx);
      }
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${id}-errors.csv"`)
      .send(Readable.from(rows()));
  }

  /** Streams the filtered list as CSV, page by page (keyset), so any size exports in constant memory. */
  @RequirePermission('contacts', 'read')
  @Get('contacts/export')
  @ApiOperation({ summary: 'Export the filtered contact list as CSV (same filters as GET /v1/contacts)' })
  @ApiProduces('text/csv')
  async export(@Query() query: ListContactsQuery, @Ctx() ctx: TenantContext, @Res() reply: FastifyReply): Promise<void> {
    const filters = { ...query, limit: EXPORT_PAGE, cursor: undefined };
    // The first page is fetched before any byte is sent, so bad filters still answer a clean 400.
    const first = await this.rpc.request(Subjects.crm.contacts.list, filters, ctx);
    const rpc = this.rpc;
    async function* rows() {
      yield stringify([[...EXPORT_COLUMNS]]);
      let page = first;
      for (;;) {
        if (page.data.length) yield stringify(page.data.map(exportRow));
        if (!page.page.next_cursor) return;
        page = await rpc.request(Subjects.crm.contacts.list, { ...filters, cursor: page.page.next_cursor }, ctx);
      }
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="contacts.csv"')
      .send(Readable.from(rows()));
  }
}
