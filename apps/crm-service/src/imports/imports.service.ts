import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type AppendImportCommand,
  type CreateImportCommand,
  IMPORT_CHUNK_BYTES,
  type ImportAccepted,
  type ImportErrorPage,
  type ImportErrorsCommand,
  type ImportView,
  MAX_IMPORT_BYTES,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '@engage/errors';
import { ErrorCode } from '@engage/contracts';
import { assertGranted, assertMayTouch, requireTenant } from '@engage/access';
import { validateMapping } from './import-mapping';
import { ImportRunner } from './import-runner';
import { ImportsRepository } from './imports.repository';

class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.payloadTooLarge, 413, message);
  }
}

/**
 * The lifecycle of a CSV import as callers see it: create a job, append the file in ordered
 * chunks (each NATS message stays well under its size limit), start it, then watch its progress.
 * The rows themselves are processed asynchronously by {@link ImportRunner}.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly imports: ImportsRepository,
    private readonly runner: ImportRunner,
  ) {}

  async create(ctx: RequestContext, input: CreateImportCommand): Promise<ImportAccepted> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'imports', 'create');
    const mapping = validateMapping(input.mapping);
    if (input.default_country && !/^[A-Z]{2}$/.test(input.default_country)) {
      throw new ValidationError('The request is not valid.', { fields: { default_country: ['must be an ISO 3166 alpha-2 code like US'] } });
    }
    const id = randomUUID();
    await this.db.transaction(tctx.tenantId, (tx) =>
      this.imports.create(tx, tctx.tenantId, {
        id,
        filename: input.filename ?? null,
        mapping,
        onDuplicate: input.on_duplicate ?? 'update',
        defaultCountry: input.default_country ?? null,
        createdBy: ctx.userId,
        role: ctx.role,
      }),
    );
    return { job_id: id, status: 'receiving' };
  }

  async append(ctx: RequestContext, input: AppendImportCommand): Promise<{ received_bytes: number }> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'imports', 'create');
    const data = Buffer.from(input.data, 'base64');
    if (data.length > IMPORT_CHUNK_BYTES * 2) throw new PayloadTooLargeError(`A chunk may hold at most ${IMPORT_CHUNK_BYTES} bytes.`);
    const received = await this.db.transaction(tctx.tenantId, async (tx) => {
      const job = await this.imports.lock(tx, tctx.tenantId, input.id);
      if (!job || job.created_by !== ctx.userId) throw new NotFoundError('Import', input.id);
      if (job.status !== 'receiving') throw new ConflictError('This import is no longer receiving its file.', { status: job.status });
      const total = await this.imports.putChunk(tx, tctx.tenantId, job.id, input.seq, data);
      // Over the limit the file can never be imported: the job and everything it received go now,
      // in this transaction, rather than waiting in the database for a start that never comes.
      if (total > MAX_IMPORT_BYTES) await this.imports.remove(tx, tctx.tenantId, job.id);
      return total;
    });
    if (received > MAX_IMPORT_BYTES) {
      throw new PayloadTooLargeError(`A CSV import may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB; the upload was discarded.`);
    }
    return { received_bytes: received };
  }

  /**
   * Discards an upload its gateway could not finish (the client went away, the stream broke, the
   * file was too large): the job and its chunks are deleted. Only its creator may, and only
   * before it started; another tenant's or user's job is not found.
   */
  async abandon(ctx: RequestContext, id: string): Promise<void> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'imports', 'create');
    await this.db.transaction(tctx.tenantId, async (tx) => {
      const job = await this.imports.lock(tx, tctx.tenantId, id);
      if (!job || job.created_by !== ctx.userId) throw new NotFoundError('Import', id);
      if (job.status !== 'receiving') throw new ConflictError('This import already started; only an upload in progress can be abandoned.', { status: job.status });
      await this.imports.remove(tx, tctx.tenantId, id);
    });
  }

  /** The whole file is in: queue the job; the runner picks it up at once. */
  async start(ctx: RequestContext, id: string): Promise<ImportAccepted> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'imports', 'create');
    await this.db.transaction(tctx.tenantId, async (tx) => {
      const job = await this.imports.lock(tx, tctx.tenantId, id);
      if (!job || job.created_by !== ctx.userId) throw new NotFoundError('Import', id);
      if (job.status !== 'receiving') throw new ConflictError('This import was already started.', { status: job.status });
      if (Number(job.received_bytes) === 0) {
        await this.imports.setStatus(tx, tctx.tenantId, id, 'failed', 'The file is empty.');
        return;
      }
      await this.imports.setStatus(tx, tctx.tenantId, id, 'queued');
    });
    this.runner.wake();
    const view = await this.imports.view(tctx.tenantId, id);
    return { job_id: id, status: view!.status };
  }

  /** Progress and the first row errors. Reps see only their own imports. */
  async get(ctx: RequestContext, id: string): Promise<ImportView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'imports', 'read');
    const view = await this.imports.view(tctx.tenantId, id);
    if (!view) throw new NotFoundError('Import', id);
    assertMayTouch(ctx, 'imports', 'read', view.created_by);
    return { ...view, errors_url: `/v1/imports/${id}/errors.csv` };
  }

  async errors(ctx: RequestContext, input: ImportErrorsCommand): Promise<ImportErrorPage> {
    await this.get(ctx, input.id);
    const limit = input.limit ?? 1000;
    const rows = await this.imports.errorsPage(ctx.tenantId!, input.id, input.after_row ?? 0, limit + 1);
    return { data: rows.slice(0, limit), has_more: rows.length > limit };
  }
}
