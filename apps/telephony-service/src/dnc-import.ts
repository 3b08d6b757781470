import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { DncImportConfig } from './registry/dnc-import.config';
import { runNationalDncImportCli } from './registry/national-dnc-cli';

/**
 * Loads a national Do-Not-Call file where the service is deployed (the image has no npm scripts):
 * `node dist/apps/telephony-service/src/dnc-import.js <file> [--date YYYY-MM-DD]`, with
 * MIGRATION_DATABASE_URL set as for the migration job.
 */
runNationalDncImportCli(process.argv.slice(2), { defaultDatabaseUrl: loadConfig(DncImportConfig).MIGRATION_DATABASE_URL }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
