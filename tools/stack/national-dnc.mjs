// @ts-check
// The development national Do-Not-Call list (tools/seed/dnc-dev.txt), loaded by `npm start` /
// `npm run up` into the development database and by `npm test` into the test database, dated the
// day it runs (UTC): calls and texts to its area codes then pass the national check unless the
// number is listed. Loading it again the same day changes nothing.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './services.mjs';

const require = createRequire(import.meta.url);
export const DEV_DNC_LIST = join(ROOT, 'tools/seed/dnc-dev.txt');

/**
 * @param {{ ownerUrl: string, log: (message: string) => void }} options  ownerUrl: the telephony schema's owner role
 */
export async function loadDevelopmentDncList({ ownerUrl, log }) {
  // Compiled by the build that prepare() just ran.
  const { importNationalDncFile } = require(join(ROOT, 'dist/apps/telephony-service/src/registry/national-dnc-cli.js'));
  const date = new Date().toISOString().slice(0, 10);
  /** @type {{ outcome: string, listed: number, prefixes: string[] }} */
  const report = await importNationalDncFile({ databaseUrl: ownerUrl, file: DEV_DNC_LIST, date });
  log(
    report.outcome === 'loaded'
      ? `development national DNC list loaded, dated ${date}: ${report.prefixes.length} area codes, ${report.listed} listed numbers`
      : `development national DNC list dated ${date} already loaded`,
  );
}
