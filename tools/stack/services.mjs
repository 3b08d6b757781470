// @ts-check
// The processes of the suite (from the service registry), and the environment each one gets locally.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployOf, readRegistry } from '../registry/registry.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const STATE_DIR = join(ROOT, '.engage');

const registry = readRegistry();
/** The services and the gateway, from the service registry (libs/contracts/src/system/services.json). */
export const SERVICES = registry.services.map((s) => ({ app: s.app, schema: s.schema, offset: s.portOffset, env: deployOf(s).env }));
export const GATEWAY = { app: registry.gateway.app, offset: registry.gateway.portOffset };

/**
 * Development secrets, made once per checkout and kept in .engage/ (git-ignored), so tokens and
 * encrypted fields survive restarts. Production takes them from Kubernetes secrets.
 */
export function devSecrets() {
  const file = join(STATE_DIR, 'dev-secrets.json');
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const secrets = {
    ENCRYPTION_KEY: kept.ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    // The gateway's operations token (GET /metrics, GET /health/details).
    OPS_TOKEN: kept.OPS_TOKEN ?? randomBytes(32).toString('base64url'),
  };
  if (secrets.ENCRYPTION_KEY !== kept.ENCRYPTION_KEY || secrets.OPS_TOKEN !== kept.OPS_TOKEN) {
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

/** Environment of every process for one stack (development or test). */
/**
 * @param {{ basePort: number, database: string, natsUrl: string, redisUrl: string,
 *   urls: Record<string, { app: string, owner: string }>, nodeEnv: string, logLevel: string, requestTimeoutMs: number }} options
 * @returns {Record<string, Record<string, string>>}
 */
export function stackEnv({ basePort, database, natsUrl, redisUrl, urls, nodeEnv, logLevel, requestTimeoutMs }) {
  const secrets = devSecrets();
  const common = {
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    NATS_URL: natsUrl,
    REDIS_URL: redisUrl,
    NATS_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    SHUTDOWN_GRACE_MS: '5000',
    ENCRYPTION_KEY: secrets.ENCRYPTION_KEY,
  };
  /** @type {Record<string, Record<string, string>>} */
  const env = {};
  for (const s of SERVICES) {
    env[s.app] = {
      ...common,
      PORT: String(basePort + s.offset),
      DATABASE_URL: urls[s.schema].app,
      MIGRATION_DATABASE_URL: urls[s.schema].owner,
      PGDATABASE: database,
      // What the registry says the service needs wherever it runs (e.g. crm's heap cap), as in the Helm chart.
      ...s.env,
    };
  }
  env[GATEWAY.app] = { ...common, PORT: String(basePort + GATEWAY.offset), OPS_TOKEN: secrets.OPS_TOKEN };
  return env;
}

/** @param {string} app */
export const entryOf = (app) => join(ROOT, 'dist/apps', app, 'src/main.js');
/** @param {string} app */
export const migrateEntryOf = (app) => join(ROOT, 'dist/apps', app, 'src/migrate.js');
