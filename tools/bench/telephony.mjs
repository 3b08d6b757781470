#!/usr/bin/env node
// @ts-check
// `npm run bench:telephony`: call set-up and Twilio callbacks through the gateway, under load,
// checked for correctness afterwards, with a baseline measured in the same run.
//
//   1. 200 calls placed at once (POST /v1/calls, each through the compliance gate, to 200
//      consented contacts), then followed to their end by the Twilio stand-in's real callbacks.
//   2. 200 more calls whose contact leg the stand-in holds ringing; their statuses are then
//      delivered by this script, signed as Twilio signs them, at a fixed 2,000 callbacks/s
//      through the gateway: every status of every call 25 times, shuffled, so duplicates and
//      reordered deliveries arrive concurrently.
//   3. The baseline: a bare Fastify server that checks the same Twilio signature and records each
//      callback once with a prepared INSERT … ON CONFLICT DO NOTHING (what the service must do at
//      least), driven as fast as it goes and at the same fixed rate.
//
// Afterwards, from the service's own outbox: every call ended `completed` (phase 2) or in a final
// status (phase 1), each has exactly one call.completed event, and its call.updated events only
// ever move forward. Starts its own stack (`npm run up` with rate limits lifted), writes the
// "Telephony" section of docs/benchmarks.md and stops the stack.
//   node tools/bench/telephony.mjs [--calls 200] [--rate 2000] [--seconds 10] [--keep-stack]
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import twilio from 'twilio';
import { api, autocannon, benchTenant, DATABASE, GATEWAY, numberArg, pct, ROOT as root, sleep, stack, stackUpUnlimited, writeSection } from './bench-kit.mjs';

/** Distinct numbers per phase come from 400 exchanges of area code 415. */
const CALLS = Math.min(numberArg('calls', 200), 400);
const RATE = numberArg('rate', 2000);
const SECONDS = numberArg('seconds', 10);
const REP = '+14155550000'; // the stand-in answers it
/** The public base URL callbacks are signed over (the stack's PUBLIC_BASE_URL, from .engage/providers.json). */
let PUBLIC_BASE = GATEWAY;
const STATUSES = ['initiated', 'ringing', 'in-progress', 'completed'];
const RANK = { queued: 0, initiated: 1, ringing: 2, 'in-progress': 3 };
const rank = (/** @type {string} */ s) => RANK[/** @type {keyof typeof RANK} */ (s)] ?? 4;
const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const say = (/** @type {string} */ m) => console.log(`[bench:telephony] ${m}`);

/** An IANA zone where it is now about noon, so quiet hours never refuse a benchmark call. */
function zoneAtNoon() {
  let offset = 12 - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Runs `work` over `items` with at most `limit` at a time. @template T @param {T[]} items @param {number} limit @param {(item: T) => Promise<void>} work */
async function pool(items, limit, work) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** A tenant with telephony on and `numbers` as consented contacts; returns its token and contact ids. */
async function tenantWithContacts(/** @type {string[]} */ numbers) {
  const { token, tenantId } = await benchTenant('Bench calls');
  const modules = await api('/v1/tenant', { method: 'PATCH', token, body: { enabled_modules: ['crm', 'telephony'] } });
  if (modules.status !== 200) throw new Error(`modules: ${modules.status}`);
  const timezone = zoneAtNoon();
  /** @type {Map<string, string>} */
  const contacts = new Map();
  await pool(numbers, 20, async (number) => {
    const c = await api('/v1/contacts', { token, body: { first_name: 'Bench', last_name: number, phones: [{ number, is_primary: true }], timezone } });
    if (c.status !== 201) throw new Error(`contact ${number}: ${c.status} ${JSON.stringify(c.body)}`);
    const consent = await api('/v1/consents', { token, body: { phone: number, type: 'call', status: 'granted', source: 'bench' } });
    if (consent.status !== 201) throw new Error(`consent ${number}: ${consent.status}`);
    contacts.set(number, c.body.id);
  });
  return { token, tenantId, contacts };
}

/** Places one call per contact, all at once; returns the created calls and each request's latency. */
async function placeAll(/** @type {string} */ token, /** @type {Map<string, string>} */ contacts) {
  const started = performance.now();
  const results = await Promise.all([...contacts.values()].map((contact_id) => api('/v1/calls', { token, body: { contact_id, rep_phone: REP } })));
  const wallMs = performance.now() - started;
  const failed = results.filter((r) => r.status !== 201);
  if (failed.length) throw new Error(`${failed.length} call set-ups failed: ${JSON.stringify(failed.slice(0, 3).map((f) => [f.status, f.body]))}`);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  return { calls: results.map((r) => /** @type {{ id: string, to: string }} */ (r.body)), wallMs, p50: pct(ms, 50), p95: pct(ms, 95), p99: pct(ms, 99), max: Math.round(ms.at(-1) ?? 0) };
}

/** Waits until `check` says every call of the tenant is where it should be. */
async function untilCalls(/** @type {string} */ token, /** @type {(calls: any[]) => boolean} */ check, /** @type {number} */ timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  /** @type {any[]} */
  let calls = [];
  while (Date.now() < deadline) {
    calls = [];
    let cursor = '';
    do {
      const page = await api(`/v1/calls?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token });
      calls.push(...page.body.data);
      cursor = page.body.page.next_cursor ?? '';
    } while (cursor);
    if (check(calls)) return calls;
    await sleep(500);
  }
  return calls;
}

/**
 * What the service published for the tenant's calls, from its outbox: per call, the call.updated
 * transitions in order and the number of call.completed events, and whether all were relayed.
 */
async function auditEvents(/** @type {string} */ tenantId) {
  const db = new pg.Client({ connectionString: DATABASE });
  await db.connect();
  try {
    // The relay publishes within a moment; wait until nothing of this tenant is left unpublished.
    for (let i = 0; i < 60; i++) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM telephony.outbox WHERE tenant_id = $1 AND published_at IS NULL`, [tenantId]);
      if (rows[0].n === 0) break;
      await sleep(500);
    }
    const { rows } = await db.query(`SELECT subject, envelope, published_at FROM telephony.outbox WHERE tenant_id = $1 ORDER BY seq`, [tenantId]);
    /** @type {Map<string, { steps: string[][], completed: number, unpublished: number }>} */
    const byCall = new Map();
    for (const row of rows) {
      const id = row.envelope.aggregate_id;
      if (!byCall.has(id)) byCall.set(id, { steps: [], completed: 0, unpublished: 0 });
      const entry = /** @type {{ steps: string[][], completed: number, unpublished: number }} */ (byCall.get(id));
      if (!row.published_at) entry.unpublished++;
      if (row.subject === 'evt.telephony.call.updated') entry.steps.push([row.envelope.payload.previous_status, row.envelope.payload.call.status]);
      if (row.subject === 'evt.telephony.call.completed') entry.completed++;
    }
    return byCall;
  } finally {
    await db.end();
  }
}

/** Checks each call's events: forward-only, one completion, all published. Returns the problems found. */
function verify(/** @type {any[]} */ calls, /** @type {Awaited<ReturnType<typeof auditEvents>>} */ events, /** @type {(call: any) => boolean} */ endedWell) {
  const problems = [];
  for (const call of calls) {
    const e = events.get(call.id);
    if (!endedWell(call)) problems.push(`${call.id} ended ${call.status}`);
    if (!e) {
      problems.push(`${call.id} has no events`);
      continue;
    }
    if (e.completed !== 1) problems.push(`${call.id} has ${e.completed} call.completed events`);
    if (e.unpublished) problems.push(`${call.id} has ${e.unpublished} unpublished events`);
    let last = 'queued';
    for (const [from, to] of e.steps) {
      if (from !== last || rank(to) <= rank(from)) problems.push(`${call.id} moved ${from}>${to} after ${last}`);
      last = to;
    }
    if (last !== call.status) problems.push(`${call.id}: events end at ${last}, the call is ${call.status}`);
  }
  return problems;
}

/**
 * Signed status callbacks for the contact legs of `calls`: every status `copies` times, shuffled.
 * @param {{ id: string, to: string }[]} calls @param {string} tenantId @param {string} authToken @param {number} copies
 */
function signedCallbacks(calls, tenantId, authToken, copies) {
  // Twilio signs the public URL it posts to (PUBLIC_BASE_URL + path), which the stand-in knows.
  const publicBase = PUBLIC_BASE;
  /** @type {{ method: 'POST', path: string, headers: Record<string, string>, body: string }[]} */
  const requests = [];
  for (const call of calls) {
    const sid = `CA${randomUUID().replace(/-/g, '')}`;
    const path = `/webhooks/twilio/voice/status?tenant=${tenantId}&call=${call.id}&leg=contact`;
    STATUSES.forEach((status, sequence) => {
      const params = {
        AccountSid: 'AC' + '0'.repeat(32),
        CallSid: sid,
        CallStatus: status,
        SequenceNumber: String(sequence),
        To: call.to,
        Direction: 'outbound-dial',
        ...(status === 'completed' ? { CallDuration: '42' } : {}),
      };
      const body = new URLSearchParams(params).toString();
      const signature = twilio.getExpectedTwilioSignature(authToken, `${publicBase}${path}`, params);
      const request = { method: /** @type {const} */ ('POST'), path, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body };
      for (let i = 0; i < copies; i++) requests.push(request);
    });
  }
  for (let i = requests.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [requests[i], requests[j]] = [requests[j], requests[i]];
  }
  return requests;
}

/**
 * Sends `requests` in order at `rate` per second over `connections`; returns achieved rate and
 * latency. @param {string} url @param {any[]} requests @param {number | undefined} rate @param {number} connections
 */
async function fire(url, requests, rate, connections = 100) {
  let next = 0;
  /** @type {number[]} */
  const latencies = [];
  let non2xx = 0;
  const started = performance.now();
  const instance = autocannon({
    url,
    connections,
    amount: requests.length,
    ...(rate ? { overallRate: rate } : {}),
    requests: [{ setupRequest: (/** @type {object} */ req) => ({ ...req, ...requests[next++ % requests.length] }) }],
  });
  instance.on('response', (/** @type {unknown} */ _client, /** @type {number} */ statusCode, /** @type {number} */ _bytes, /** @type {number} */ ms) => {
    latencies.push(ms);
    if (statusCode < 200 || statusCode >= 300) non2xx++;
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { sent: latencies.length, seconds: Math.round(seconds * 10) / 10, rps: Math.round(latencies.length / seconds), p50: pct(latencies, 50), p99: pct(latencies, 99), errors: result.errors + non2xx };
}

/** The baseline server: Twilio's signature check and one prepared dedup INSERT per callback. */
async function startBaseline(/** @type {string} */ authToken) {
  const child = fork(join(root, 'tools/bench/telephony-baseline.mjs'), ['3998', DATABASE, authToken, PUBLIC_BASE]);
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`baseline exited ${code}`)));
  });
  return child;
}

say('starting the stack (rate limits lifted)…');
stackUpUnlimited();
let baseline;
try {
  const providers = JSON.parse(readFileSync(join(root, '.engage/providers.json'), 'utf8'));
  const authToken = String(providers.twilio.authToken);
  PUBLIC_BASE = String(providers.twilio.webhookBaseUrl ?? GATEWAY).replace(/\/+$/, '');

  say(`phase 1: ${CALLS} calls placed at once, followed to their end by the stand-in…`);
  // The stand-in answers these after 3 s and talks 5 s (README: unlisted last digits).
  const answered = Array.from({ length: CALLS }, (_, i) => `+1415${600 + i}1234`);
  const one = await tenantWithContacts(answered);
  const setup = await placeAll(one.token, one.contacts);
  const ended = await untilCalls(one.token, (calls) => calls.length === CALLS && calls.every((c) => FINAL.includes(c.status)), 120_000);
  const problems1 = verify(ended, await auditEvents(one.tenantId), (c) => c.status === 'completed');
  say(`phase 1: set-up p50 ${setup.p50} ms, p99 ${setup.p99} ms, ${problems1.length} problems`);

  say(`phase 2: ${CALLS} held calls, then ${CALLS * STATUSES.length * 25} signed callbacks at ${RATE}/s through the gateway…`);
  // …and holds these ringing until released (last digits 0006), so only this script moves them on.
  const unique = Array.from({ length: CALLS }, (_, i) => `+1415${600 + i}0006`);
  const two = await tenantWithContacts(unique);
  const heldSetup = await placeAll(two.token, two.contacts);
  await untilCalls(two.token, (calls) => calls.length === unique.length && calls.every((c) => c.status === 'ringing'), 60_000);
  const copies = Math.max(1, Math.round((RATE * SECONDS) / (unique.length * STATUSES.length)));
  const callbacks = signedCallbacks(heldSetup.calls, two.tenantId, authToken, copies);
  const gatewayAtRate = await fire(GATEWAY, callbacks, RATE);
  const finished = await untilCalls(two.token, (calls) => calls.every((c) => FINAL.includes(c.status)), 30_000);
  const problems2 = verify(finished, await auditEvents(two.tenantId), (c) => c.status === 'completed' && c.duration_s === 42);
  say(`phase 2: ${gatewayAtRate.rps}/s achieved, ${gatewayAtRate.errors} errors, ${problems2.length} problems`);

  say('phase 2 again, as fast as the gateway goes (callbacks of the same calls, all duplicates now)…');
  const gatewayFlat = await fire(GATEWAY, signedCallbacks(heldSetup.calls, two.tenantId, authToken, copies), undefined, 100);

  say('baseline: bare Fastify, signature check and a prepared dedup INSERT…');
  baseline = await startBaseline(authToken);
  const base = 'http://127.0.0.1:3998';
  const baselineFlat = await fire(base, signedCallbacks(heldSetup.calls, two.tenantId, authToken, copies), undefined, 100);
  const baselineAtRate = await fire(base, signedCallbacks(heldSetup.calls, two.tenantId, authToken, copies), RATE);

  const ratio = (/** @type {number} */ a, /** @type {number} */ b) => (b ? (Math.round((a / b) * 100) / 100).toFixed(2) : '');
  const allProblems = [...problems1, ...problems2];
  const section = `## Telephony (issue target: 200 concurrent call set-ups and 2,000 callbacks/s with no lost, doubled or backwards transition)

\`npm run bench:telephony\` (tools/bench/telephony.mjs), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, its own stack with rate limits lifted and the Twilio stand-in at real time.

Call set-up: ${CALLS} \`POST /v1/calls\` sent at once (each through the compliance gate, one new consented contact each), answered by the stand-in and followed to their end by its signed callbacks.

| phase | calls | 201s | wall s | p50 ms | p95 ms | p99 ms | max ms | ended completed | problems |
|---|---|---|---|---|---|---|---|---|---|
| answered calls | ${CALLS} | ${setup.calls.length} | ${(setup.wallMs / 1000).toFixed(1)} | ${setup.p50} | ${setup.p95} | ${setup.p99} | ${setup.max} | ${ended.filter((c) => c.status === 'completed').length} | ${problems1.length} |
| held calls (for the callback load) | ${unique.length} | ${heldSetup.calls.length} | ${(heldSetup.wallMs / 1000).toFixed(1)} | ${heldSetup.p50} | ${heldSetup.p95} | ${heldSetup.p99} | ${heldSetup.max} | ${finished.filter((c) => c.status === 'completed').length} | ${problems2.length} |

Callbacks: each held call's contact-leg statuses (\`initiated\`, \`ringing\`, \`in-progress\`, \`completed\`), each ${copies} times, shuffled, signed as Twilio signs them (\`X-Twilio-Signature\` over the public URL), ${callbacks.length} in all. Afterwards every call must be \`completed\` with the duration of its last callback, have exactly one \`call.completed\` event, call.updated events that only move forward, and nothing left unpublished in the outbox.

| target | offered | sent | s | achieved/s | p50 ms | p99 ms | errors/non-2xx | ratio to baseline |
|---|---|---|---|---|---|---|---|---|
| baseline: bare Fastify, signature check + prepared INSERT … ON CONFLICT DO NOTHING | flat out | ${baselineFlat.sent} | ${baselineFlat.seconds} | ${baselineFlat.rps} | ${baselineFlat.p50} | ${baselineFlat.p99} | ${baselineFlat.errors} | 1.00 |
| gateway → telephony-service | flat out | ${gatewayFlat.sent} | ${gatewayFlat.seconds} | ${gatewayFlat.rps} | ${gatewayFlat.p50} | ${gatewayFlat.p99} | ${gatewayFlat.errors} | ${ratio(gatewayFlat.rps, baselineFlat.rps)} |
| baseline | ${RATE}/s | ${baselineAtRate.sent} | ${baselineAtRate.seconds} | ${baselineAtRate.rps} | ${baselineAtRate.p50} | ${baselineAtRate.p99} | ${baselineAtRate.errors} | |
| gateway → telephony-service (the checked run) | ${RATE}/s | ${gatewayAtRate.sent} | ${gatewayAtRate.seconds} | ${gatewayAtRate.rps} | ${gatewayAtRate.p50} | ${gatewayAtRate.p99} | ${gatewayAtRate.errors} | ${ratio(gatewayAtRate.rps, baselineAtRate.rps)} |

Lost, doubled or backwards transitions found: **${allProblems.length}**${allProblems.length ? ` (first: ${allProblems.slice(0, 3).join('; ')})` : ''}. The flat-out gateway run repeats callbacks that were all applied already, so it measures the duplicate path (signature, dedup insert, nothing else).
`;
  writeSection('## Telephony', section);
  say(`written to docs/benchmarks.md (${allProblems.length} problems)`);
  if (allProblems.length) process.exitCode = 1;
} finally {
  baseline?.kill();
  if (!process.argv.includes('--keep-stack')) stack('down');
}
