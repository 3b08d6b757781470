// @ts-check
// What the standalone benchmarks (telephony.mjs, timeline.mjs) share: their own stack, the
// gateway over HTTP, command-line numbers, percentiles, and their section of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const GATEWAY = 'http://127.0.0.1:3000';
/** The development database as a superuser (seeding and checking what the services wrote). */
export const DATABASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/engage';
/** autocannon ships no type declarations. @type {any} */
export const autocannon = createRequire(import.meta.url)('autocannon');

export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** `--name value` from the command line, as a number. @param {string} name @param {number} fallback */
export function numberArg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The p-th percentile of ascending `sorted`, to 0.1. @param {number[]} sorted @param {number} p */
export const pct = (sorted, p) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10 : null);

/** Runs a stack command (`up`, `down`) as `npm run …` would. @param {string} command @param {Record<string, string>} [env] */
export function stack(command, env = {}) {
  const res = spawnSync(process.execPath, [join(ROOT, 'tools/stack/cli.mjs'), command], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.status !== 0) throw new Error(`stack ${command} failed`);
}

/** `npm run up` with the rate limits lifted, so the budget is not what is measured. */
export const stackUpUnlimited = () =>
  stack('up', { RATE_LIMIT_USER_PER_MIN: '1000000000', RATE_LIMIT_TENANT_PER_MIN: '1000000000', RATE_LIMIT_IP_PER_MIN: '1000000000' });

/**
 * A JSON request to the gateway, with its latency.
 * @param {string} path
 * @param {{ method?: string, token?: string, body?: unknown }} [req]
 * @returns {Promise<{ status: number, body: any, ms: number }>}
 */
export async function api(path, req = {}) {
  const started = performance.now();
  const res = await fetch(`${GATEWAY}${path}`, {
    method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
    headers: { ...(req.body === undefined ? {} : { 'content-type': 'application/json' }), ...(req.token ? { authorization: `Bearer ${req.token}` } : {}) },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, ms: performance.now() - started };
}

/** Signs up a new tenant through the gateway; its admin's token and ids. @param {string} label */
export async function benchTenant(label) {
  const email = `bench-${Math.random().toString(36).slice(2, 10)}@example.test`;
  const signup = await api('/v1/auth/signup', { body: { company_name: `${label} ${email}`, full_name: 'Bench Rep', email, password: 'Bench-engage-2026!' } });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${JSON.stringify(signup.body)}`);
  return { token: String(signup.body.access_token), tenantId: String(signup.body.tenant.id), userId: String(signup.body.user.id) };
}

/** Replaces (or adds) the section starting with `heading` in docs/benchmarks.md. @param {string} heading @param {string} section */
export function writeSection(heading, section) {
  const file = join(ROOT, 'docs/benchmarks.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf(heading);
  if (start < 0) {
    const tail = text.indexOf('\nSPEC section 9');
    writeFileSync(file, tail < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, tail)}\n${section}${text.slice(tail)}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  const end = next < 0 ? text.indexOf('\nSPEC section 9', start) : next;
  writeFileSync(file, `${text.slice(0, start)}${section}${end < 0 ? '' : text.slice(end)}`);
}
