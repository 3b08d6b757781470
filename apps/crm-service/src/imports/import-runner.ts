import { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Options, parse } from 'csv-parse';
import { isRole } from '@engage/contracts';
import { systemContext, runWithContext, type TenantContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import type { Logger } from '@engage/logging';
import { LOGGER } from '@engage/service-runtime';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { channelKeys } from '../contacts/contact-input';
import { CsvDecoder, hasUnreadableText, UNREADABLE_ROW } from './csv-decoding';
import { CompanyCache, ImportBatchWriter, KnownNames, type PreparedBatch, precomputeSearch } from './import-batch-writer';
import { type ColumnTarget, identifiesContacts, resolveColumns } from './import-mapping';
import { isProblem, type ImportedContact, parseImportRow, type RowProblem } from './import-row';
import { type ImportCounters, type ImportJob, ImportsRepository } from './imports.repository';

const BATCH_ROWS = 2500;
const WRITERS = 3;
const PROGRESS_EVERY_MS = 500;
const IDLE_POLL_MS = 2000;
/**
 * The planner's statistics of the contact tables are refreshed twice per import: once its first
 * batch is written, and once it has finished. Until the first refresh one batch is written at a
 * time: planned against statistics that say the tenant has no contacts, the duplicate check of a
 * second batch would scan the first one's channels for every key, and a lookup by id would walk
 * the tenant's contacts. Once the statistics show the tenant with a batch of contacts, those
 * lookups are planned on the primary keys, and growth only makes that plan more right: no refresh
 * is needed while the import runs (each one samples the whole table, seconds on a large one, and
 * the writers would have to drain for it). The refresh at the end plans the tenant's lists and
 * searches for the size it has now; it runs after the job is reported complete.
 */

interface CsvRecord {
  row: number;
  cells: string[];
}

/**
 * Processes queued imports, one at a time per replica: streams the stored chunks through the
 * decoder and csv-parse, validates and maps each row, and hands batches to the writer. The next
 * batch is parsed while the previous one is being written, so the CPU and the database work side
 * by side; memory stays bounded by one chunk and a few batches whatever the file size.
 */
@Injectable()
export class ImportRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly db: TenantDatabase,
    private readonly imports: ImportsRepository,
    private readonly customFields: CustomFieldsService,
    private readonly writer: ImportBatchWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  /** A job was queued here: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let job: ImportJob | null = null;
      try {
        job = await this.imports.claimNext();
        if (job) await this.process(job);
      } catch (error) {
        this.logger.error({ err: error, import_id: job?.id }, 'import worker failed');
      }
      if (!job && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
    }
  }

  /** Exposed for tests: runs one job to its end. */
  async process(job: ImportJob): Promise<void> {
    const ctx = systemContext({
      tenantId: job.tenant_id,
      userId: job.created_by,
      role: isRole(job.created_by_role) ? job.created_by_role : null,
      requestId: job.id,
    }) as TenantContext;
    await runWithContext(ctx, async () => {
      const counters: ImportCounters = { processed: job.processed, created: job.created, updated: job.updated, skipped: job.skipped, failed: job.failed };
      try {
        const outcome = await this.processRows(job, ctx, counters);
        await this.writer.finish(job, ctx, outcome.status, counters, outcome.message);
        this.logger.info({ import_id: job.id, ...counters, status: outcome.status }, 'import finished');
      } catch (error) {
        this.logger.error({ err: error, import_id: job.id }, 'import failed');
        await this.writer.finish(job, ctx, 'failed', counters, 'The import stopped on an unexpected error; rows before it were imported.').catch(() => undefined);
      }
      if (counters.created + counters.updated > job.created + job.updated) {
        await this.writer.refreshStatistics(job).catch((error) => this.logger.warn({ err: error, import_id: job.id }, 'statistics refresh after the import failed'));
      }
    });
  }

  private async processRows(job: ImportJob, ctx: TenantContext, counters: ImportCounters): Promise<{ status: 'completed' | 'failed'; message: string | null }> {
    const definitions = await this.db.transaction(job.tenant_id, (tx) => this.customFields.definitionsFor(tx, job.tenant_id, 'contact'));
    const customDefs = new Map(definitions.map((d) => [d.key, d]));
    const resumeAfter = job.processed;
    const companies = new CompanyCache();
    const csvProblems: RowProblem[] = [];
    let counter = -1;
    // `on_skip` is supported by csv-parse 5.5 but missing from its typings.
    const options: Options & { on_skip: (error: Error | undefined) => void } = {
      relax_column_count: true,
      // A stray quote is kept as text rather than losing every row after it.
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: 1_000_000,
      on_record: (cells: string[]): CsvRecord => ({ row: ++counter, cells }),
      on_skip: (error) => {
        const row = ++counter;
        if (row > resumeAfter) csvProblems.push({ row, field: null, reason: `the CSV is malformed here: ${error?.message ?? 'unreadable record'}`.slice(0, 300) });
      },
    };
    const parser = parse(options);
    Readable.from(this.decodedChunks(job)).on('error', (e) => parser.destroy(e)).pipe(parser);

    let columns: ColumnTarget[] | null = null;
    let pending: { contacts: ImportedContact[]; problems: RowProblem[]; lastRow: number } = { contacts: [], problems: [], lastRow: resumeAfter };
    const knownNames = new KnownNames();
    // Up to WRITERS batches are written at a time (one database backend each, while this process
    // parses the next batch); a batch waits when one of its emails or phones is in a batch still
    // being written, so that duplicate detection always sees the earlier row.
    const inflight: Array<{ done: Promise<void>; keys: Set<string>; lastRow: number }> = [];
    let lastProgress = 0;
    let committedThrough = resumeAfter;
    let statisticsRefreshed = false;
    let writers = 1;
    const settle = async () => {
      const oldest = inflight.shift()!;
      await oldest.done;
      committedThrough = oldest.lastRow;
    };
    const refreshStatisticsOnce = async () => {
      if (statisticsRefreshed || counters.created + counters.updated === 0) return;
      while (inflight.length) await settle();
      await this.writer.refreshStatistics(job);
      statisticsRefreshed = true;
      writers = WRITERS;
    };
    const flush = async () => {
      const batch: PreparedBatch = { ...pending, safeRow: committedThrough, problems: [...pending.problems, ...csvProblems.splice(0)] };
      batch.lastRow = Math.max(batch.lastRow, ...batch.problems.map((p) => p.row));
      pending = { contacts: [], problems: [], lastRow: batch.lastRow };
      const keys = new Set(batch.contacts.flatMap((c) => channelKeys(c.emails, c.phones)));
      if (inflight.some((b) => [...keys].some((k) => b.keys.has(k)))) {
        while (inflight.length) await settle();
      }
      while (inflight.length >= writers) await settle();
      await refreshStatisticsOnce();
      batch.safeRow = committedThrough;
      await this.writer.ensureCompanies(job, ctx, batch.contacts, companies);
      const announce = Date.now() - lastProgress >= PROGRESS_EVERY_MS;
      if (announce) lastProgress = Date.now();
      const done = this.writer.write(job, ctx, batch, counters, companies, announce, knownNames);
      // A failed write is reported when it is awaited; until then it must not be an unhandled rejection.
      done.catch(() => undefined);
      inflight.push({ done, keys, lastRow: batch.lastRow });
    };

    try {
      for await (const record of parser as AsyncIterable<CsvRecord>) {
        if (record.row === 0) {
          columns = resolveColumns(record.cells, job.mapping, new Set(customDefs.keys()));
          if (!identifiesContacts(columns)) {
            parser.destroy();
            return { status: 'failed', message: 'No column maps to a name, email or phone: check the header row or the mapping.' };
          }
          continue;
        }
        if (record.row <= resumeAfter || !columns) continue;
        const parsed = hasUnreadableText(record.cells)
          ? { row: record.row, field: null, reason: UNREADABLE_ROW }
          : parseImportRow(record.row, record.cells, columns, customDefs, job.default_country);
        if (isProblem(parsed)) pending.problems.push(parsed);
        else {
          precomputeSearch(parsed, knownNames);
          pending.contacts.push(parsed);
        }
        pending.lastRow = record.row;
        if (pending.contacts.length + pending.problems.length >= BATCH_ROWS) await flush();
      }
      if (columns && (pending.contacts.length || pending.problems.length || csvProblems.length)) await flush();
    } finally {
      while (inflight.length) await settle();
    }
    counters.processed = Math.max(counters.processed, committedThrough);
    if (!columns) return { status: 'failed', message: 'The file has no header row.' };
    return { status: 'completed', message: null };
  }

  /** The stored chunks in order, as text. */
  private async *decodedChunks(job: ImportJob): AsyncGenerator<string> {
    const decoder = new CsvDecoder();
    for (let seq = 0; ; seq++) {
      const chunk = await this.imports.chunk(job.tenant_id, job.id, seq);
      if (!chunk) break;
      const text = decoder.decode(chunk);
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }
}
