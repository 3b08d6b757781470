// @ts-check
// Starting, watching and stopping the suite's processes.
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { entryOf, GATEWAY, migrateEntryOf, ROOT, SERVICES, STATE_DIR } from './services.mjs';

/**
 * Flags every service runs with (the Docker image sets the same in NODE_OPTIONS). A young
 * generation of up to 32 MB instead of V8's default 16: services that hold a batch of work across
 * awaits (an import keeps a few thousand rows in flight) otherwise promote most of it to the old
 * generation and spend a fifth of their CPU collecting it. The space grows only under load.
 */
const NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=32'];


/**
 * A process of the stack: `child` when it is attached to this one (`npm start`, `npm test`).
 * @typedef {{ app: string, pid: number, logFile: string, child?: import('node:child_process').ChildProcess }} StartedProcess
 * @typedef {{ logDir?: string, tag?: string, entry?: string, args?: string[] }} StartOptions
 */

/** @param {number} ms @returns {Promise<void>} */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a command to completion, failing with its output when it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, quiet?: boolean, cwd?: string }} [options]
 * @returns {Promise<string>}
 */
export function run(cmd, args, { env = {}, quiet = false, cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${output}`))));
  });
}

/** Applies every service's migrations (as each schema's owner role), in parallel, and fails if
 * (with `check`) any service's entities need a migration that does not exist yet.
 * @param {Record<string, Record<string, string>>} env
 * @param {{ check?: boolean }} [options] */
export async function migrateAll(env, { check = false } = {}) {
  const args = check ? ['--check'] : [];
  await Promise.all(SERVICES.map((s) => run(process.execPath, [migrateEntryOf(s.app), ...args], { env: env[s.app], quiet: true })));
}

/**
 * Starts one process attached to this one, its output in .engage/logs/<app><tag>.log. A service
 * runs its compiled main.js; another process (the provider stand-ins) names its `entry` and `args`.
 * @param {string} app
 * @param {Record<string, string>} env
 * @param {StartOptions} [options]
 * @returns {StartedProcess & { child: import('node:child_process').ChildProcess }}
 */
export function startProcess(app, env, { logDir = join(STATE_DIR, 'logs'), tag = '', entry = entryOf(app), args = [] } = {}) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${app}${tag}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...NODE_FLAGS, entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  return { app, child, pid: pidOf(child, app), logFile };
}

/**
 * Starts a detached process whose output goes straight to its log file (for `npm run up`).
 * @param {string} app
 * @param {Record<string, string>} env
 * @param {StartOptions} [options]
 * @returns {StartedProcess}
 */
export function startDetached(app, env, { logDir = join(STATE_DIR, 'logs'), tag = '', entry = entryOf(app), args = [] } = {}) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${app}${tag}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...NODE_FLAGS, entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  child.unref();
  closeSync(fd);
  return { app, pid: pidOf(child, app), logFile };
}

/**
 * A child that could not be spawned has no pid (and emits 'error'): fail at once, naming it.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} app
 */
function pidOf(child, app) {
  if (child.pid === undefined) throw new Error(`${app} could not be started`);
  return child.pid;
}

/**
 * Polls the gateway's /health until every service reports up.
 * @param {string} gatewayUrl
 * @param {{ timeoutMs?: number, processes?: StartedProcess[] }} [options]
 */
export async function waitForHealthy(gatewayUrl, { timeoutMs = 60_000, processes = [] } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    for (const p of processes) {
      if (p.child && p.child.exitCode !== null) throw new Error(`${p.app} exited with code ${p.child.exitCode}; see ${p.logFile}`);
    }
    try {
      const res = await fetch(`${gatewayUrl}/health`);
      const body = /** @type {{ services?: Record<string, { status: string }> }} */ (await res.json());
      if (res.status === 200) return body;
      last = JSON.stringify(body.services ? Object.fromEntries(Object.entries(body.services).map(([k, v]) => [k, v.status])) : body);
    } catch (error) {
      last = error.message;
    }
    await sleep(300);
  }
  throw new Error(`the suite did not become healthy within ${timeoutMs / 1000} s: ${last}`);
}

/**
 * Stops processes with SIGTERM (they drain NATS), then SIGKILL after a grace period.
 * @param {number[]} pids
 */
export async function stopPids(pids, graceMs = 8000) {
  /** @param {number} pid */
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await sleep(100);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

export const ALL_APPS = [...SERVICES.map((s) => s.app), GATEWAY.app];
