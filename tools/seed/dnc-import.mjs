#!/usr/bin/env node
// @ts-check
// `npm run dnc:import -- <file> [--date YYYY-MM-DD] [--database-url postgres://…]`: loads a national
// Do-Not-Call list into the phone-number registry, as an operator would (format and rules:
// apps/telephony-service/README.md). The loader is telephony-service's own compiled code
// (dist/apps/telephony-service/src/registry/national-dnc-cli.js); this script only picks the
// database: --database-url, else MIGRATION_DATABASE_URL, else the development database's
// telephony owner role (ENGAGE_DATABASE, default engage). Where the service is deployed, run
// `node dist/apps/telephony-service/src/dnc-import.js <file>` with MIGRATION_DATABASE_URL instead.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = new URL('../..', import.meta.url).pathname;
export const DNC_CLI = join(ROOT, 'dist/apps/telephony-service/src/registry/national-dnc-cli.js');

if (!existsSync(DNC_CLI)) {
  console.error(`dnc:import needs the compiled services (${DNC_CLI} is missing): run \`npm run build\` first`);
  process.exit(1);
}
const { connectionUrls } = await import('../infra/provision.mjs');
const defaultDatabaseUrl = process.env.MIGRATION_DATABASE_URL ?? connectionUrls({ database: process.env.ENGAGE_DATABASE ?? 'engage' }).telephony.owner;
const { runNationalDncImportCli } = require(DNC_CLI);
process.exitCode = await runNationalDncImportCli(process.argv.slice(2), { defaultDatabaseUrl });
