#!/usr/bin/env node
// @ts-check
// Seeds realistic contacts straight into the crm schema, for benchmarks and demos:
//
//   npm run build && npm run up      (the stack, for the tenant sign-up and the gateway)
//   node tools/seed/crm-contacts.mjs --count 1000000 --noise-tenants 3 --noise-count 50000
//
// The benchmark tenant is signed up through the gateway (so a user can log in to it) and its
// contacts are written with multi-row INSERTs as the crm runtime role with the tenant bound
// (row-level security applies, exactly as for the service). The derived search columns come from
// crm-service's own compiled code, so seeded rows are searched exactly like created ones.
// Prints the tenant and credentials as JSON on the last line (the bench scripts read it from
// .engage/bench-tenant.json).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connectionUrls } from '../infra/provision.mjs';
import { companyNames, contactAt, prng } from './crm-data.mjs';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    'noise-tenants': { type: 'string', default: '3' },
    'noise-count': { type: 'string', default: '20000' },
    companies: { type: 'string', default: '5000' },
    gateway: { type: 'string', default: 'http://localhost:3000' },
    database: { type: 'string', default: process.env.ENGAGE_DATABASE ?? 'engage' },
    batch: { type: 'string', default: '5000' },
    workers: { type: 'string', default: '2' },
  },
});
const { deriveSearchColumns, foldText: foldName } = require(join(root, 'dist/apps/crm-service/src/contacts/contact-search.js'));
const urls = connectionUrls({ database: args.database }).crm;

const PASSWORD = 'Bench-password-2026!';
/** Signs up a tenant through the gateway; its ids and admin's credentials. @param {string} label */
async function signUp(label) {
  const email = `bench-${randomUUID().slice(0, 8)}@bench.engage.test`;
  const res = await fetch(`${args.gateway}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ company_name: `${label} ${randomUUID().slice(0, 6)}`, full_name: 'Bench Admin', email, password: PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = /** @type {{ tenant: { id: string, slug: string }, user: { id: string } }} */ (await res.json());
  return { tenantId: body.tenant.id, slug: body.tenant.slug, userId: body.user.id, email, password: PASSWORD };
}

const RECORD = `id uuid, first_name text, last_name text, emails jsonb, phones jsonb, company_id uuid, title text, owner_id uuid,
  lifecycle_stage text, lead_score integer, tags jsonb, name_sort text, first_key text, last_key text, created_at timestamptz`;

/**
 * Writes `companies` and `count` contacts for `tenant`; the seconds the contacts took.
 * @param {import('pg').Pool} pool
 * @param {{ tenantId: string, slug: string, userId: string }} tenant
 * @param {number} count
 * @param {string[]} companies
 * @param {number} seed
 */
async function seedTenant(pool, tenant, count, companies, seed) {
  const client = await pool.connect();
  const companyRows = companies.map((name) => ({ id: randomUUID(), name, name_sort: foldName(name), search_doc: foldName(name) }));
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.tenantId]);
    await client.query(
      `INSERT INTO crm.companies (tenant_id, id, name, name_sort, search_doc, owner_id)
       SELECT $1, x.id, x.name, x.name_sort, x.search_doc, $3 FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, name text, name_sort text, search_doc text)`,
      [tenant.tenantId, JSON.stringify(companyRows), tenant.userId],
    );
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const batch = Number(args.batch);
  let next = 0;
  let done = 0;
  const started = Date.now();
  const t0 = Date.now() - count * 1000;
  /** @param {number} w */
  async function worker(w) {
    const rand = prng(seed + w);
    const conn = await pool.connect();
    try {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + batch);
        const rows = [];
        const channels = [];
        const vocabulary = new Map();
        for (let i = from; i < next; i++) {
          const c = contactAt(i, rand, companyRows);
          const derived = deriveSearchColumns({ firstName: c.first_name, lastName: c.last_name });
          for (const [variant, value] of derived.vocabulary) vocabulary.set(`${variant}\u0000${value}`, [variant, value]);
          const id = randomUUID();
          rows.push({
            id,
            first_name: c.first_name,
            last_name: c.last_name,
            emails: [c.email],
            phones: [{ number: c.phone, label: 'work', is_primary: true, country: 'US' }],
            company_id: c.company?.id ?? null,
            title: c.title,
            owner_id: tenant.userId,
            lifecycle_stage: c.lifecycle_stage,
            lead_score: c.lead_score,
            tags: c.tags,
            name_sort: derived.nameSort,
            first_key: derived.firstKey,
            last_key: derived.lastKey,
            created_at: new Date(t0 + i * 1000).toISOString(),
          });
          channels.push([`e:${c.email}`, id], [`p:${c.phone}`, id], [`r:${[...c.national].reverse().join('')}`, id]);
        }
        await conn.query('BEGIN');
        await conn.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.tenantId]);
        await conn.query(
          `INSERT INTO crm.contacts (tenant_id, id, first_name, last_name, emails, phones, company_id, title, owner_id, lifecycle_stage, lead_score,
                                     tags, name_sort, first_key, last_key, timezone, source, created_at, updated_at)
           SELECT $1, x.id, x.first_name, x.last_name, ARRAY(SELECT jsonb_array_elements_text(x.emails)), x.phones, x.company_id, x.title, x.owner_id,
                  x.lifecycle_stage, x.lead_score, ARRAY(SELECT jsonb_array_elements_text(x.tags)), x.name_sort, x.first_key, x.last_key,
                  'America/New_York', 'seed', x.created_at, x.created_at
             FROM jsonb_to_recordset($2::jsonb) AS x(${RECORD})`,
          [tenant.tenantId, JSON.stringify(rows)],
        );
        await conn.query(
          `INSERT INTO crm.contact_channels (tenant_id, value, contact_id) SELECT $1, v, id FROM unnest($2::text[], $3::uuid[]) AS t(v, id)`,
          [tenant.tenantId, channels.map((c) => c[0]), channels.map((c) => c[1])],
        );
        // Sorted, so the two workers take the vocabulary's locks in the same order (no deadlock).
        const pairs = [...vocabulary.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
        await conn.query(
          `INSERT INTO crm.name_vocabulary (tenant_id, variant, value) SELECT $1, v, k FROM unnest($2::text[], $3::text[]) AS t(v, k) ON CONFLICT DO NOTHING`,
          [tenant.tenantId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        );
        await conn.query('COMMIT');
        done += rows.length;
        if (done % 50_000 < batch) process.stderr.write(`  ${tenant.slug}: ${done}/${count} (${Math.round(done / ((Date.now() - started) / 1000))} rows/s)\n`);
      }
    } finally {
      conn.release();
    }
  }
  await Promise.all(Array.from({ length: Number(args.workers) }, (_, w) => worker(w)));
  return (Date.now() - started) / 1000;
}

const pool = new pg.Pool({ connectionString: urls.app, max: Number(args.workers) + 1, application_name: 'crm-seed' });
try {
  const companies = companyNames(Number(args.companies));
  for (let n = 0; n < Number(args['noise-tenants']); n++) {
    const noise = await signUp('Noise');
    const s = await seedTenant(pool, noise, Number(args['noise-count']), companies.slice(0, 500), 1000 + n);
    process.stderr.write(`noise tenant ${noise.slug}: ${args['noise-count']} contacts in ${s.toFixed(1)} s\n`);
  }
  const tenant = await signUp('Bench');
  const seconds = await seedTenant(pool, tenant, Number(args.count), companies, 42);
  process.stderr.write(`bench tenant ${tenant.slug}: ${args.count} contacts in ${seconds.toFixed(1)} s\n`);
  // Statistics and the visibility map (index-only scans), as autovacuum would a little later
  // (both need the table owner; VACUUM cannot run in a transaction, hence one statement each).
  const owner = new pg.Client({ connectionString: urls.owner });
  await owner.connect();
  for (const table of ['contacts', 'contact_channels', 'companies', 'name_vocabulary']) await owner.query(`VACUUM ANALYZE crm.${table}`);
  await owner.end();
  mkdirSync(join(root, '.engage'), { recursive: true });
  writeFileSync(join(root, '.engage/bench-tenant.json'), JSON.stringify({ ...tenant, gateway: args.gateway, count: Number(args.count) }, null, 2));
  console.log(JSON.stringify({ ...tenant, seconds }));
} finally {
  await pool.end();
}
