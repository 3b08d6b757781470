#!/usr/bin/env node
// @ts-check
// `npm run bench:timeline`: the activity timeline under load, against a baseline measured in the
// same run.
//
//   1. Reading: the first page of a contact with 10,000 activities, `GET /v1/activities?contact_id=`
//      through the gateway at 20 connections (auth, rate limits, NATS, activity-service, the
//      tenant-bound read under RLS), against a bare Fastify + pg server running the same query as a
//      prepared statement (tools/bench/timeline-baseline.mjs).
//   2. Ingesting: 10,000 `evt.telephony.call.completed` events published to JetStream at a fixed
//      1,000/s, exactly as telephony-service's outbox relay publishes them (same headers and message
//      ids); each becomes one call activity. Lag = the activity row's created_at − the event's
//      publish time, per event. The audit trail records the same events; how long it takes to catch
//      up is reported beside it.
//
// Starts its own stack (`npm run up` with rate limits lifted), writes the "Timeline" section of
// docs/benchmarks.md and stops the stack.
//   node tools/bench/timeline.mjs [--activities 10000] [--rate 1000] [--events 10000] [--seconds 10] [--keep-stack]
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connect, headers as natsHeaders, StringCodec } from 'nats';
import pg from 'pg';
import { api, autocannon, benchTenant, DATABASE, GATEWAY, numberArg, pct, ROOT as root, sleep, stack, stackUpUnlimited, writeSection } from './bench-kit.mjs';

const ACTIVITIES = numberArg('activities', 10_000);
const RATE = numberArg('rate', 1000);
const EVENTS = numberArg('events', 10_000);
const SECONDS = numberArg('seconds', 10);
const NATS = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const say = (/** @type {string} */ m) => console.log(`[bench:timeline] ${m}`);

/** Runs autocannon against one URL; latency percentiles from every response. @param {string} url @param {Record<string, string>} headers */
async function read(url, headers, connections = 20) {
  /** @type {number[]} */
  const latencies = [];
  let non2xx = 0;
  const instance = autocannon({ url, connections, duration: SECONDS, headers });
  instance.on('response', (/** @type {unknown} */ _c, /** @type {number} */ status, /** @type {number} */ _b, /** @type {number} */ ms) => {
    latencies.push(ms);
    if (status < 200 || status >= 300) non2xx++;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return { rps: Math.round(result.requests.average), p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), errors: result.errors + non2xx };
}

say('starting the stack (rate limits lifted)…');
stackUpUnlimited();
const db = new pg.Client({ connectionString: DATABASE });
/** @type {import('node:child_process').ChildProcess | undefined} */
let baseline;
try {
  await db.connect();
  const { token, tenantId, userId } = await benchTenant('Bench timeline');
  const contact = await api('/v1/contacts', { token, body: { first_name: 'Busy', last_name: 'Contact', phones: [{ number: '+14155550123', is_primary: true }] } });
  if (contact.status !== 201) throw new Error(`contact: ${contact.status}`);
  const contactId = contact.body.id;

  say(`seeding ${ACTIVITIES} notes on one contact…`);
  // Straight into the table, as a data migration would: the bench measures reading, not writing them.
  await db.query(
    `INSERT INTO activity.activities (tenant_id, id, type, contact_id, actor_id, body, occurred_at)
     SELECT $1, gen_random_uuid(), 'note', $2, $3, 'Bench note ' || i, now() - make_interval(secs => i)
       FROM generate_series(1, $4) AS i`,
    [tenantId, contactId, userId, ACTIVITIES],
  );
  await db.query('ANALYZE activity.activities');

  say('reading the first page through the gateway and from the bare baseline…');
  baseline = fork(join(root, 'tools/bench/timeline-baseline.mjs'), ['3997', DATABASE]);
  await new Promise((resolve, reject) => {
    baseline?.once('message', resolve);
    baseline?.once('exit', (code) => reject(new Error(`baseline exited ${code}`)));
  });
  const page = await api(`/v1/activities?contact_id=${contactId}`, { token });
  if (page.status !== 200 || page.body.data.length === 0) throw new Error(`timeline read: ${page.status}`);
  const pageSize = page.body.data.length;
  const gatewayUrl = `${GATEWAY}/v1/activities?contact_id=${contactId}`;
  const baseUrl = `http://127.0.0.1:3997/activities/${tenantId}/${contactId}?limit=${pageSize}`;
  await read(gatewayUrl, { authorization: `Bearer ${token}` }); // warm-up
  /** @type {{ base: Awaited<ReturnType<typeof read>>, gateway: Awaited<ReturnType<typeof read>> }[]} */
  const rounds = [];
  for (let i = 0; i < 2; i++) {
    rounds.push({ base: await read(baseUrl, {}), gateway: await read(gatewayUrl, { authorization: `Bearer ${token}` }) });
  }
  const median = (/** @type {'base' | 'gateway'} */ side) => [...rounds].sort((a, b) => a[side].rps - b[side].rps)[0][side];
  const base = median('base');
  const gateway = median('gateway');

  say(`ingesting ${EVENTS} call.completed events at ${RATE}/s…`);
  const nc = await connect({ servers: NATS });
  const js = nc.jetstream();
  const sc = StringCodec();
  /** @type {Map<string, number>} */
  const publishedAt = new Map();
  const started = Date.now();
  const perTick = Math.max(1, Math.round(RATE / 100));
  for (let sent = 0; sent < EVENTS; ) {
    const due = started + (sent / RATE) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const batch = [];
    for (let i = 0; i < perTick && sent < EVENTS; i++, sent++) {
      const id = randomUUID();
      const callId = randomUUID();
      const envelope = {
        id,
        type: 'evt.telephony.call.completed',
        tenant_id: tenantId,
        aggregate_type: 'call',
        aggregate_id: callId,
        version: 2,
        occurred_at: new Date().toISOString(),
        actor_id: userId,
        request_id: randomUUID(),
        payload: { call_id: callId, contact_id: contactId, owner_id: userId, to: '+14155550123', outcome: 'completed', duration_s: 42, disposition: null, has_recording: false, ended_at: new Date().toISOString() },
      };
      const h = natsHeaders();
      h.set('x-event-type', envelope.type);
      h.set('x-aggregate-version', '2');
      h.set('x-tenant-id', tenantId);
      h.set('x-request-id', envelope.request_id);
      publishedAt.set(id, Date.now());
      batch.push(js.publish(envelope.type, sc.encode(JSON.stringify(envelope)), { msgID: id, headers: h }));
    }
    await Promise.all(batch);
  }
  const publishSeconds = (Date.now() - started) / 1000;
  const lastPublish = Date.now();
  let timelineDone = 0;
  let auditDone = 0;
  for (let i = 0; i < 600 && (!timelineDone || !auditDone); i++) {
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM activity.activities WHERE tenant_id = $1 AND type = 'call') AS timeline,
              (SELECT count(*)::int FROM activity.audit_log WHERE tenant_id = $1 AND action = 'call.completed') AS audit`,
      [tenantId],
    );
    if (!timelineDone && rows[0].timeline >= EVENTS) timelineDone = Date.now();
    if (!auditDone && rows[0].audit >= EVENTS) auditDone = Date.now();
    if (!timelineDone || !auditDone) await sleep(100);
  }
  await nc.close();
  const { rows: written } = await db.query(
    `SELECT source_event_id::text AS id, (extract(epoch FROM created_at) * 1000)::float8 AS at FROM activity.activities WHERE tenant_id = $1 AND type = 'call'`,
    [tenantId],
  );
  const lags = written.map((r) => r.at - (publishedAt.get(r.id) ?? r.at)).sort((a, b) => a - b);
  const doubled = written.length - new Set(written.map((r) => r.id)).size;
  const missing = EVENTS - new Set(written.map((r) => r.id)).size;

  const ratio = (/** @type {number} */ a, /** @type {number} */ b) => (b ? (Math.round((a / b) * 100) / 100).toFixed(2) : '');
  const catchUp = (/** @type {number} */ done) => (done ? ((done - lastPublish) / 1000).toFixed(1) : 'not within 60 s');
  const section = `## Timeline (issue target: first page of a contact with 10,000 activities p95 < 20 ms at 20 connections; 1,000 events/s ingested with lag < 1 s)

\`npm run bench:timeline\` (tools/bench/timeline.mjs), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, its own stack with rate limits lifted; the load generator and the publisher run on the same cores.

First page (${pageSize} activities, newest first) of one contact with ${ACTIVITIES} notes, 20 connections, ${SECONDS} s per target, two rounds interleaved, the slower round shown:

| target | req/s | p50 ms | p95 ms | p99 ms | errors/non-2xx | ratio |
|---|---|---|---|---|---|---|
| baseline: bare Fastify + pg, the same query as a prepared statement | ${base.rps} | ${base.p50} | ${base.p95} | ${base.p99} | ${base.errors} | 1.00 |
| gateway → activity-service | ${gateway.rps} | ${gateway.p50} | ${gateway.p95} | ${gateway.p99} | ${gateway.errors} | ${ratio(gateway.rps, base.rps)} |

Ingest: ${EVENTS} \`evt.telephony.call.completed\` events published to JetStream at ${RATE}/s offered (${Math.round(EVENTS / publishSeconds)}/s achieved over ${publishSeconds.toFixed(1)} s), as telephony-service's relay publishes them. Lag per event = its call activity's created_at − its publish time.

| consumer | events recorded | missing | doubled | lag p50 ms | p95 ms | p99 ms | max ms | caught up after the last publish, s |
|---|---|---|---|---|---|---|---|---|
| timeline (activity-timeline-calls) | ${written.length} | ${missing} | ${doubled} | ${pct(lags, 50)} | ${pct(lags, 95)} | ${pct(lags, 99)} | ${Math.round(lags.at(-1) ?? 0)} | ${catchUp(timelineDone)} |
| audit trail (activity-audit-telephony), same events | | | | | | | | ${catchUp(auditDone)} |
`;
  writeSection('## Timeline', section);
  say(`gateway p95 ${gateway.p95} ms (baseline ${base.p95}); ingest lag p99 ${pct(lags, 99)} ms, ${missing} missing, ${doubled} doubled`);
  if (missing || doubled) process.exitCode = 1;
} finally {
  baseline?.kill();
  await db.end().catch(() => undefined);
  if (!process.argv.includes('--keep-stack')) stack('down');
}
