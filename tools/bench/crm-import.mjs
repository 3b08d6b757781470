#!/usr/bin/env node
// @ts-check
// A 1,000,000-row CSV import end to end through the gateway (SPEC §9: < 60 s, service < 512 MB).
//
//   npm run build && ENGAGE_DATABASE=engage_crm_bench PORT=3200 npm run up
//   node tools/bench/crm-import.mjs --gateway http://localhost:3200 [--rows 1000000]
//
// Writes the CSV once to .engage/tmp/ (about 90 MB: names, email, phone, company, stage, score,
// tags, with 0.5 % bad rows), signs up a fresh tenant, streams the file as text/csv, then polls
// GET /v1/imports/:id until it completes. Measures from the first byte sent to `completed`, and
// samples crm-service's resident memory (VmRSS of the pid recorded by `npm run up`) meanwhile.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { companyNames, contactAt, prng } from '../seed/crm-data.mjs';
import { ROOT } from './crm-common.mjs';

const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: 'http://localhost:3200' },
    rows: { type: 'string', default: '1000000' },
  },
});
const rows = Number(args.rows);
const file = join(ROOT, `.engage/tmp/contacts-${rows}.csv`);

async function writeCsv() {
  mkdirSync(join(ROOT, '.engage/tmp'), { recursive: true });
  const out = createWriteStream(file);
  const rand = prng(99);
  const companies = companyNames(5000).map((name) => ({ name }));
  const write = (/** @type {string} */ line) => (out.write(line) ? null : /** @type {Promise<void>} */ (new Promise((r) => out.once('drain', r))));
  await write('First Name,Last Name,Email,Phone,Company,Lifecycle Stage,Lead Score,Tags\n');
  for (let i = 0; i < rows; i++) {
    // Offset so the file's people are not the seeded tenant's (the import goes to a new tenant anyway).
    const c = contactAt(i + 5_000_000, rand, companies);
    const bad = i % 200 === 199;
    const email = bad ? 'not-an-email' : c.email;
    // Never null: `companies` is not empty.
    const { name: companyName } = /** @type {{ name: string }} */ (c.company);
    const company = companyName.includes(',') ? `"${companyName}"` : companyName;
    await write(`${c.first_name},${c.last_name},${email},${c.phone},${company},${c.lifecycle_stage},${c.lead_score},${c.tags.join(';')}\n`);
  }
  await new Promise((r) => out.end(r));
}

/** crm-service's resident memory in MB, or null when unknown. @param {number | undefined} pid */
function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

if (!existsSync(file)) await writeCsv();
const bytes = statSync(file).size;
/** @type {{ pids: { app: string, pid: number }[] }} */
const stack = JSON.parse(readFileSync(join(ROOT, '.engage/stack.json'), 'utf8'));
const crmPid = stack.pids.find((p) => p.app === 'crm-service')?.pid;

const email = `import-${randomUUID().slice(0, 8)}@bench.engage.test`;
const signup = await fetch(`${args.gateway}/v1/auth/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ company_name: `Import ${randomUUID().slice(0, 6)}`, full_name: 'Import Bench', email, password: 'Bench-password-2026!' }),
});
const { access_token: token } = /** @type {{ access_token: string }} */ (await signup.json());

let maxRss = rssOf(crmPid) ?? 0;
const rssAtStart = maxRss;
const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssOf(crmPid) ?? 0)), 200);
const started = Date.now();
/** @type {{ job_id: string }} */
const accepted = await new Promise((resolve, reject) => {
  const url = new URL('/v1/contacts/import', args.gateway);
  const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': bytes } }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => (res.statusCode === 202 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode} ${body}`))));
  });
  req.on('error', reject);
  createReadStream(file).pipe(req);
});
const uploadedAfter = (Date.now() - started) / 1000;
/** @type {{ status: string, processed: number, created: number, updated: number, failed: number }} */
let view;
for (;;) {
  const res = await fetch(`${args.gateway}/v1/imports/${accepted.job_id}`, { headers: { authorization: `Bearer ${token}` } });
  view = /** @type {typeof view} */ (await res.json());
  if (view.status === 'completed' || view.status === 'failed') break;
  await new Promise((r) => setTimeout(r, 250));
}
const seconds = (Date.now() - started) / 1000;
clearInterval(sampler);
console.log(
  JSON.stringify(
    {
      bench: 'crm-import',
      rows,
      file_mb: Math.round(bytes / 1024 / 1024),
      status: view.status,
      processed: view.processed,
      created: view.created,
      updated: view.updated,
      failed: view.failed,
      upload_s: Math.round(uploadedAfter * 10) / 10,
      total_s: Math.round(seconds * 10) / 10,
      rows_per_s: Math.round(rows / seconds),
      crm_service_rss_mb: { at_start: rssAtStart, max: maxRss },
    },
    null,
    2,
  ),
);
