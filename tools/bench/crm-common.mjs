// @ts-check
// Shared by the crm benchmarks: the seeded tenant, a signed-in token, percentiles, an autocannon run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { autocannon } from './bench-kit.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * @typedef {{ tenantId: string, slug: string, userId: string, email: string, password: string, gateway: string, count: number }} BenchTenant
 *   What tools/seed/crm-contacts.mjs writes to .engage/bench-tenant.json.
 */

/** The tenant tools/seed/crm-contacts.mjs seeded (and how to sign in to it). @returns {BenchTenant} */
export function benchTenant() {
  try {
    return JSON.parse(readFileSync(join(ROOT, '.engage/bench-tenant.json'), 'utf8'));
  } catch {
    throw new Error('no seeded tenant: run tools/seed/crm-contacts.mjs first (see tools/bench/README in the script headers)');
  }
}

/**
 * Signs in to the seeded tenant; its access token.
 * @param {string} gateway
 * @param {{ slug: string, email: string, password: string }} tenant
 * @returns {Promise<string>}
 */
export async function login(gateway, tenant) {
  const res = await fetch(`${gateway}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenant.slug, email: tenant.email, password: tenant.password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return /** @type {{ access_token: string }} */ (await res.json()).access_token;
}

/** The p-th percentile of ascending `sorted`, or null when it is empty. @param {number[]} sorted @param {number} p */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Runs autocannon against `url` with `connections`, each request's path from `nextPath()`;
 * returns req/s and latency percentiles measured per response (autocannon reports no p95).
 * @param {{ url: string, connections: number, seconds: number, headers?: Record<string, string>, nextPath: () => string }} options
 */
export async function load({ url, connections, seconds, headers = {}, nextPath }) {
  /** @type {number[]} */
  const latencies = [];
  let non2xx = 0;
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    requests: [{ setupRequest: (/** @type {object} */ req) => ({ ...req, path: nextPath() }) }],
  });
  instance.on('response', (/** @type {unknown} */ _client, /** @type {number} */ statusCode, /** @type {number} */ _bytes, /** @type {number} */ ms) => {
    latencies.push(ms);
    if (statusCode < 200 || statusCode >= 300) non2xx++;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const round = (/** @type {number | null} */ v) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    connections,
    seconds,
    requests: latencies.length,
    rps: Math.round(result.requests.average),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
    errors: result.errors + result.timeouts,
    non_2xx: non2xx,
  };
}
