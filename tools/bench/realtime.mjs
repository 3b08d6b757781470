#!/usr/bin/env node
// @ts-check
// `npm run bench:realtime`: the realtime WebSocket under load, against a baseline measured in the
// same run.
//
//   1. Event → client: `evt.telephony.call.updated` events published to JetStream at a fixed
//      1,000/s (as telephony-service's relay publishes them, each for a new call placed by the
//      benchmark's user, carrying its publish time in the call's notes); notification-service
//      appends each to the user's stream and publishes it live; the gateway pushes it to the
//      user's socket. Latency per event = arrival at the client − publish. Checked: every event
//      arrives once, seqs without a gap, in order.
//      Baseline: a bare `ws` server forwarding a core NATS subject to its one client (the transport
//      floor: NATS and a WebSocket, no JetStream, no database, no auth).
//   2. Idle sockets: 10,000 authenticated sockets held on the one gateway process, whose resident
//      memory is read from /proc before and after (the hard file limit here is 20,000; the script
//      raises its soft limit with `ulimit -n` through npm run).
//
// Starts its own stack (`npm run up` with rate limits lifted), writes the "Realtime" section of
// docs/benchmarks.md and stops the stack.
//   node tools/bench/realtime.mjs [--rate 1000] [--events 10000] [--sockets 10000] [--keep-stack]
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connect, headers as natsHeaders, StringCodec } from 'nats';
import WebSocket from 'ws';
import { benchTenant, numberArg, pct, ROOT as root, sleep, stack, stackUpUnlimited, writeSection } from './bench-kit.mjs';

const RATE = numberArg('rate', 1000);
const EVENTS = numberArg('events', 10_000);
const SOCKETS = numberArg('sockets', 10_000);
const NATS = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const WS_URL = 'ws://127.0.0.1:3000/v1/realtime';
const sc = StringCodec();
const say = (/** @type {string} */ m) => console.log(`[bench:realtime] ${m}`);

/** Resident memory of a process, in MB. @param {number} pid */
function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The gateway's pid, from the state `npm run up` wrote. */
function gatewayPid() {
  const state = JSON.parse(readFileSync(join(root, '.engage/stack.json'), 'utf8'));
  const entry = state.pids.find((/** @type {{ app: string }} */ p) => p.app === 'api-gateway');
  if (!entry) throw new Error('no api-gateway in .engage/stack.json');
  return Number(entry.pid);
}

/**
 * An authenticated socket resuming after `after`: resolves once `ready` arrived; `onEntry` gets
 * every stream entry.
 * @param {string} token @param {number | null} after @param {(entry: { type: string, seq: number, data: any }) => void} [onEntry]
 * @returns {Promise<WebSocket>}
 */
function openSocket(token, after, onEntry) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(WS_URL);
    const timer = setTimeout(() => reject(new Error('no ready within 60 s')), 60_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token, after })));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.type === 'ready') {
        clearTimeout(timer);
        resolve(ws);
      } else if (typeof frame.seq === 'number') onEntry?.(frame);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`socket closed ${code}`));
    });
    ws.on('error', reject);
  });
}

/**
 * Sends `count` events at `rate`/s with `send(i)`; returns the seconds it took, once all were acknowledged.
 * @param {number} count @param {number} rate @param {(i: number) => Promise<unknown>} send
 */
async function paced(count, rate, send) {
  const started = Date.now();
  const perTick = Math.max(1, Math.round(rate / 100));
  for (let sent = 0; sent < count; ) {
    const wait = started + (sent / rate) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    const batch = [];
    for (let i = 0; i < perTick && sent < count; i++, sent++) batch.push(send(sent));
    await Promise.all(batch);
  }
  return (Date.now() - started) / 1000;
}

say('starting the stack (rate limits lifted)…');
stackUpUnlimited();
/** @type {import('node:child_process').ChildProcess | undefined} */
let baseline;
const sockets = /** @type {WebSocket[]} */ ([]);
try {
  const { token, tenantId, userId } = await benchTenant('Bench realtime');
  const nc = await connect({ servers: NATS });
  const js = nc.jetstream();

  say(`phase 1: ${EVENTS} call.updated events at ${RATE}/s through JetStream, notification-service and the gateway…`);
  /** @type {number[]} */
  const latencies = [];
  /** @type {number[]} */
  const seqs = [];
  const listener = await openSocket(token, null, (entry) => {
    if (entry.type !== 'call.updated') return;
    latencies.push(Date.now() - Number(entry.data.notes));
    seqs.push(entry.seq);
  });
  const publishSeconds = await paced(EVENTS, RATE, () => {
    const callId = randomUUID();
    const now = new Date().toISOString();
    const envelope = {
      id: randomUUID(),
      type: 'evt.telephony.call.updated',
      tenant_id: tenantId,
      aggregate_type: 'call',
      aggregate_id: callId,
      version: 2,
      occurred_at: now,
      actor_id: userId,
      request_id: randomUUID(),
      payload: {
        previous_status: 'queued',
        call: { id: callId, status: 'initiated', contact_id: randomUUID(), owner_id: userId, to: '+14155550123', from: '+15005550006', rep_phone: '+14155550000',
          direction: 'outbound', mode: 'bridge', record: false, duration_s: null, disposition: null, notes: String(Date.now()),
          started_at: now, answered_at: null, ended_at: null, created_at: now, updated_at: now, version: 2 },
      },
    };
    const h = natsHeaders();
    h.set('x-event-type', envelope.type);
    h.set('x-aggregate-version', '2');
    h.set('x-tenant-id', tenantId);
    return js.publish(envelope.type, sc.encode(JSON.stringify(envelope)), { msgID: envelope.id, headers: h });
  });
  for (let i = 0; i < 600 && seqs.length < EVENTS; i++) await sleep(100);
  listener.close();
  const sortedLatencies = [...latencies].sort((a, b) => a - b);
  const inOrder = seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1);
  const distinct = new Set(seqs).size;

  say('baseline: bare ws server forwarding core NATS…');
  baseline = fork(join(root, 'tools/bench/realtime-baseline.mjs'), ['3996', NATS]);
  await new Promise((resolve, reject) => {
    baseline?.once('message', resolve);
    baseline?.once('exit', (code) => reject(new Error(`baseline exited ${code}`)));
  });
  /** @type {number[]} */
  const baseLatencies = [];
  const bare = new WebSocket('ws://127.0.0.1:3996');
  await new Promise((resolve) => bare.once('open', resolve));
  bare.on('message', (raw) => baseLatencies.push(Date.now() - Number(JSON.parse(String(raw)).t)));
  await sleep(200);
  const baseSeconds = await paced(EVENTS, RATE, async () => nc.publish('bench.realtime.baseline', sc.encode(JSON.stringify({ t: Date.now() }))));
  for (let i = 0; i < 100 && baseLatencies.length < EVENTS; i++) await sleep(100);
  bare.close();
  baseLatencies.sort((a, b) => a - b);
  await nc.close();

  // Idle sockets of a user who is up to date: each resumes after the user's latest seq (a fresh
  // screen would otherwise replay the whole retained stream, the 10,000 entries of phase 1).
  const latestSeq = seqs.length ? Math.max(...seqs) : 0;
  say(`phase 2: ${SOCKETS} idle authenticated sockets on one gateway process…`);
  const pid = gatewayPid();
  const before = rssMb(pid);
  let failed = 0;
  const openStarted = Date.now();
  for (let i = 0; i < SOCKETS; i += 100) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(100, SOCKETS - i) }, () => openSocket(token, latestSeq)));
    for (const r of batch) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else failed++;
    }
  }
  const openSeconds = (Date.now() - openStarted) / 1000;
  await sleep(5000);
  const after = rssMb(pid);
  const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;

  const section = `## Realtime (issue targets: event → client p99 < 100 ms at 1,000 events/s; 10,000 idle authenticated sockets on one gateway process under 1.5 GB RSS)

\`npm run bench:realtime\` (tools/bench/realtime.mjs), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, its own stack with rate limits lifted; publisher and clients on the same cores.

Event → client: ${EVENTS} \`evt.telephony.call.updated\` events for new calls of one user, published to JetStream at ${RATE}/s offered (${Math.round(EVENTS / publishSeconds)}/s achieved), each appended to the user's stream by notification-service and pushed by the gateway to the user's socket. Baseline: a bare \`ws\` server forwarding a core NATS subject to one client (tools/bench/realtime-baseline.mjs, ${Math.round(EVENTS / baseSeconds)}/s).

| path | received | in order, no gap | p50 ms | p95 ms | p99 ms | max ms |
|---|---|---|---|---|---|---|
| baseline: NATS → bare ws | ${baseLatencies.length} | | ${pct(baseLatencies, 50)} | ${pct(baseLatencies, 95)} | ${pct(baseLatencies, 99)} | ${Math.round(baseLatencies.at(-1) ?? 0)} |
| JetStream → notification-service (stream append) → NATS → gateway → socket | ${distinct} of ${EVENTS} | ${inOrder && distinct === seqs.length ? 'yes' : 'no'} | ${pct(sortedLatencies, 50)} | ${pct(sortedLatencies, 95)} | ${pct(sortedLatencies, 99)} | ${Math.round(sortedLatencies.at(-1) ?? 0)} |

Idle sockets: ${open} of ${SOCKETS} authenticated sockets open on one gateway process (${failed} failed to open; opened in ${openSeconds.toFixed(1)} s, 100 at a time, one user's token). Gateway resident memory: ${before} MB before, ${after} MB with them (${SOCKETS ? Math.round(((after - before) * 1024) / Math.max(1, open)) : 0} KB a socket).
`;
  writeSection('## Realtime', section);
  say(`p99 ${pct(sortedLatencies, 99)} ms (baseline ${pct(baseLatencies, 99)}), ${distinct}/${EVENTS} received; ${open} sockets, RSS ${before} → ${after} MB`);
  if (distinct !== EVENTS || !inOrder) process.exitCode = 1;
} finally {
  for (const s of sockets) s.terminate();
  baseline?.kill();
  if (!process.argv.includes('--keep-stack')) stack('down');
}
