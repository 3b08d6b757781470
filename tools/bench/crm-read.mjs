#!/usr/bin/env node
// @ts-check
// Contact read by id through the gateway, as a ratio to a bare Fastify + pg server reading the
// same rows in the same run with a prepared statement, as the gateway path does (SPEC §9: ≥ 0.40
// at 50 connections, p99 < 25 ms at 100). The same server without a prepared statement (planned
// on every call) is measured too, as a second row.
//
//   npm run build && ENGAGE_DATABASE=engage_crm_bench PORT=3200 npm run up   (rate limits lifted)
//   node tools/seed/crm-contacts.mjs --gateway http://localhost:3200 --database engage_crm_bench
//   node tools/bench/crm-read.mjs --gateway http://localhost:3200 [--seconds 15]
//
// Both read random contacts among 2,000 of the seeded tenant's: the baseline as the superuser with
// one query, the gateway with everything (JWT, rate limits, validation, NATS, RLS, logs).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connectionUrls } from '../infra/provision.mjs';
import { benchTenant, load, login, ROOT } from './crm-common.mjs';

const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: 'http://localhost:3200' },
    database: { type: 'string', default: 'engage_crm_bench' },
    seconds: { type: 'string', default: '15' },
  },
});
const seconds = Number(args.seconds);
const tenant = benchTenant();

const client = new pg.Client({ connectionString: connectionUrls({ database: args.database }).crm.app });
await client.connect();
await client.query('BEGIN');
await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.tenantId]);
const ids = (await client.query(`SELECT id FROM crm.contacts WHERE tenant_id = $1 ORDER BY random() LIMIT 2000`, [tenant.tenantId])).rows.map((r) => r.id);
await client.query('COMMIT');
await client.end();

const baselineUrl = `postgres://postgres@127.0.0.1:5432/${args.database}`;
const baselines = {
  prepared: { port: 3998, process: fork(join(ROOT, 'tools/bench/crm-read-baseline.mjs'), ['3998', baselineUrl, 'prepared']) },
  unprepared: { port: 3997, process: fork(join(ROOT, 'tools/bench/crm-read-baseline.mjs'), ['3997', baselineUrl, 'unprepared']) },
};
try {
  await Promise.all(Object.values(baselines).map((b) => new Promise((r) => b.process.once('message', r))));
  const token = await login(args.gateway, tenant);
  let i = 0;
  const nextId = () => ids[i++ % ids.length];
  const runs = {
    baseline: () => load({ url: `http://127.0.0.1:${baselines.prepared.port}`, connections: 50, seconds, nextPath: () => `/contacts/${tenant.tenantId}/${nextId()}` }),
    baseline_unprepared: () =>
      load({ url: `http://127.0.0.1:${baselines.unprepared.port}`, connections: 50, seconds, nextPath: () => `/contacts/${tenant.tenantId}/${nextId()}` }),
    gateway: () => load({ url: args.gateway, connections: 50, seconds, headers: { authorization: `Bearer ${token}` }, nextPath: () => `/v1/contacts/${nextId()}` }),
    gateway_100: () => load({ url: args.gateway, connections: 100, seconds, headers: { authorization: `Bearer ${token}` }, nextPath: () => `/v1/contacts/${nextId()}` }),
  };
  // Each target is run twice: the first run warms JITs, pools and caches, the second is measured.
  /** @param {() => ReturnType<typeof load>} run */
  const measured = async (run) => {
    await run();
    return run();
  };
  const results = {
    baseline: await measured(runs.baseline),
    baseline_unprepared: await measured(runs.baseline_unprepared),
    gateway: await measured(runs.gateway),
    gateway_100: await measured(runs.gateway_100),
  };
  console.log(
    JSON.stringify(
      {
        bench: 'crm-read',
        ratio_at_50: Math.round((results.gateway.rps / results.baseline.rps) * 100) / 100,
        ratio_at_50_unprepared: Math.round((results.gateway.rps / results.baseline_unprepared.rps) * 100) / 100,
        ...results,
      },
      null,
      2,
    ),
  );
} finally {
  for (const b of Object.values(baselines)) b.process.kill('SIGTERM');
}
