import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DncFileError } from './national-dnc-file';
import { type DncImportProgress, type DncImportReport, fileSource, importNationalDnc } from './national-dnc-importer';
import { withRegistryConnection } from './owner-connection';

const USAGE = `usage: npm run dnc:import -- <file | -> [--date YYYY-MM-DD] [--database-url postgres://…]

Loads a national Do-Not-Call list into the phone-number registry (format: apps/telephony-service/README.md).
  -                the list on standard input (kept in a temporary file while it loads)
  --date           the list's date, when the file has no "# date:" line
  --database-url   the telephony schema's owner role (default: MIGRATION_DATABASE_URL, or the
                   development database when run through npm)`;

export interface DncImportCliOptions {
  /** Used when --database-url is not given. */
  defaultDatabaseUrl?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Where `-` reads the list from (default: standard input). */
  stdin?: NodeJS.ReadableStream;
}

/** Loads one file as an operator would; the loader behind `npm run dnc:import` and the stack's development list. */
export async function importNationalDncFile(input: {
  databaseUrl: string;
  file: string;
  date?: string | null;
  now?: Date;
  onProgress?: (progress: DncImportProgress) => void;
}): Promise<DncImportReport> {
  return withRegistryConnection(input.databaseUrl, (db) =>
    importNationalDnc(db, fileSource(input.file), { date: input.date ?? null, now: input.now, onProgress: input.onProgress }),
  );
}

/** `npm run dnc:import`: returns the exit code (0 loaded or already loaded, 1 failed, 2 usage). */
export async function runNationalDncImportCli(argv: string[], options: DncImportCliOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    out(USAGE);
    return 0;
  }
  const { date } = parsed;
  const databaseUrl = parsed.databaseUrl ?? options.defaultDatabaseUrl;
  if (!databaseUrl) {
    err(`no database: pass --database-url or set MIGRATION_DATABASE_URL (the telephony schema's owner role)\n\n${USAGE}`);
    return 2;
  }
  let file = parsed.file;
  let spooled: string | null = null;
  try {
    if (file === '-') {
      // The import reads its file twice (a first pass hashes it), which a pipe cannot be.
      spooled = mkdtempSync(join(tmpdir(), 'dnc-import-'));
      file = join(spooled, 'stdin.txt');
      await pipeline(options.stdin ?? process.stdin, createWriteStream(file));
    }
    if (!statSync(file).isFile()) throw new DncFileError(`${file} is not a file`);
  } catch (error) {
    if (spooled) rmSync(spooled, { recursive: true, force: true });
    err(error instanceof DncFileError ? error.message : `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 1;
  }
  try {
    const started = Date.now();
    const report = await importNationalDncFile({
      databaseUrl,
      file,
      date,
      onProgress: (p) => out(`  … ${count(p.lines)} lines read, ${count(p.numbers)} numbers, ${count(p.invalid)} invalid`),
    });
    for (const line of describeImport(report, Date.now() - started)) out(line);
    return 0;
  } catch (error) {
    err(explainFailure(parsed.file === '-' ? 'standard input' : file, error));
    return 1;
  } finally {
    if (spooled) rmSync(spooled, { recursive: true, force: true });
  }
}

/** What an operator reads after an import. */
export function describeImport(report: DncImportReport, ms?: number): string[] {
  const covers = report.prefixes.length > 12 ? `${report.prefixes.slice(0, 12).join(', ')}, … (${report.prefixes.length} prefixes)` : report.prefixes.join(', ');
  if (report.outcome === 'already_loaded') {
    return [`${report.source_file} dated ${report.list_date} is already loaded (list ${report.list_id}, ${count(report.listed)} numbers listed); nothing changed.`];
  }
  const lines = [
    `loaded ${report.source_file} as national DNC list ${report.list_id}, dated ${report.list_date}, covering ${covers}${ms === undefined ? '' : ` in ${(ms / 1000).toFixed(1)} s`}`,
    `  ${count(report.listed)} numbers listed${report.superseded ? ` (${count(report.superseded)} of them under newer lists, which decide them)` : ''}; ${count(report.cleared)} other known numbers now clear as of ${report.list_date}`,
    `  ${count(report.lines)} lines, ${count(report.invalid)} invalid${report.invalid ? ':' : ''}`,
    ...report.invalid_samples.map((s) => `    line ${s.line}: ${s.reason}`),
  ];
  if (report.invalid > report.invalid_samples.length) lines.push(`    … and ${count(report.invalid - report.invalid_samples.length)} more`);
  return lines;
}

const count = (n: number) => n.toLocaleString('en-US');

function parseCli(argv: string[]): { file: string; date: string | null; databaseUrl: string | null; help: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { date: { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return { file: '', date: null, databaseUrl: null, help: true };
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'name the file to load' : `one file at a time (got ${positionals.length})`);
  return { file: positionals[0], date: values.date ?? null, databaseUrl: values['database-url'] ?? null, help: false };
}

function explainFailure(file: string, error: unknown): string {
  if (error instanceof DncFileError) return `${file}: ${error.message}; nothing was loaded`;
  const code = (error as { code?: string }).code;
  if (code === '42501') return `permission denied: the import writes the registry and must connect as the telephony schema's owner role (telephony_owner), not the runtime role; nothing was loaded`;
  if (code === '42P01') return `the registry tables do not exist: run the migrations first (npm run migrate); nothing was loaded`;
  return `loading ${file} failed, nothing was loaded: ${(error as Error).message ?? String(error)}`;
}
