// @ts-check
// The provider stand-ins (Twilio, Stripe, SMTP, …) as one process of the stack: started before the
// services, on ports derived from the stack's base port, described in a providers file
// (`.engage/providers.json` for `npm start`/`npm run up`), and turned into the environment the
// services use to find them.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, startDetached, startProcess } from './processes.mjs';
import { ROOT, STATE_DIR } from './services.mjs';

export const PROVIDERS_APP = 'providers';
export const PROVIDERS_ENTRY = join(ROOT, 'dist/tools/providers/main.js');
export const PROVIDERS_FILE = join(STATE_DIR, 'providers.json');

/**
 * @typedef {Record<string, string | number>} ProviderDescription What one stand-in's describe() returns.
 * @typedef {{ generatedAt: string } & Record<string, ProviderDescription | string>} ProvidersDocument
 * @typedef {import('./processes.mjs').StartedProcess} StartedProcess
 */

/**
 * Starts the stand-ins' process and waits until it has written the providers file.
 * @param {{ basePort: number, gatewayUrl: string, file: string, detached?: boolean, logDir?: string,
 *   tag?: string, twilioTimeScale?: number }} options
 * @returns {Promise<{ process: StartedProcess, document: ProvidersDocument }>}
 */
export async function startProviders({ basePort, gatewayUrl, file, detached = false, logDir = join(STATE_DIR, 'logs'), tag = '', twilioTimeScale = 1 }) {
  // A file left by an earlier run must not be mistaken for this run's.
  rmSync(file, { force: true });
  const args = ['--base-port', String(basePort), '--webhook-base-url', gatewayUrl, '--out', file, '--twilio-time-scale', String(twilioTimeScale)];
  const options = { logDir, tag, entry: PROVIDERS_ENTRY, args };
  const started = detached ? startDetached(PROVIDERS_APP, {}, options) : startProcess(PROVIDERS_APP, {}, options);
  const document = await waitForProviders(file, started);
  return { process: started, document };
}

/**
 * Polls for the providers file; fails when the process exits first or the time runs out.
 * @param {string} file
 * @param {StartedProcess} started
 * @returns {Promise<ProvidersDocument>}
 */
export async function waitForProviders(file, started, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) return /** @type {ProvidersDocument} */ (JSON.parse(readFileSync(file, 'utf8')));
    if (!isAlive(started)) throw new Error(`the provider stand-ins exited before they were ready; see ${started.logFile}`);
    await sleep(100);
  }
  throw new Error(`the provider stand-ins were not ready within ${timeoutMs / 1000} s; see ${started.logFile}`);
}

/** @param {StartedProcess} started */
function isAlive(started) {
  if (started.child) return started.child.exitCode === null && started.child.signalCode === null;
  try {
    process.kill(started.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Environment variables for each stand-in, by name, from its describe() output. A stand-in not
 * listed here gets `<NAME>_<KEY>` for each key (`gmail.clientId` → GMAIL_CLIENT_ID), so a new
 * stand-in is reachable by the services as soon as tools/providers/index.ts starts it.
 * @type {Record<string, (p: ProviderDescription) => Record<string, string>>}
 */
const PROVIDER_ENV = {
  twilio: (p) => ({
    TWILIO_API_BASE_URL: String(p.url),
    TWILIO_ACCOUNT_SID: String(p.accountSid),
    TWILIO_AUTH_TOKEN: String(p.authToken),
    TWILIO_API_KEY_SID: String(p.apiKeySid),
    TWILIO_API_KEY_SECRET: String(p.apiKeySecret),
    TWILIO_PHONE_NUMBER: String(p.phoneNumber),
  }),
  stripe: (p) => ({
    STRIPE_API_BASE_URL: String(p.url),
    STRIPE_SECRET_KEY: String(p.secretKey),
    STRIPE_WEBHOOK_SECRET: String(p.webhookSecret),
  }),
  smtp: (p) => ({
    SMTP_URL: `smtp://${encodeURIComponent(String(p.user))}:${encodeURIComponent(String(p.pass))}@${p.host}:${p.port}`,
  }),
};

/** @param {string} name @param {ProviderDescription} description @returns {Record<string, string>} */
function conventionalEnv(name, description) {
  const prefix = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return Object.fromEntries(
    Object.entries(description).map(([key, value]) => [`${prefix}_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`, String(value)]),
  );
}

/**
 * What every process of the stack gets to reach the stand-ins: their URLs and development
 * credentials, and PUBLIC_BASE_URL (the gateway's URL, over which Twilio signs its callbacks, SPEC §4).
 * The credentials are the stand-ins' development values, so every process gets all of them and each
 * service's config class reads the ones it uses.
 * @param {ProvidersDocument} document
 * @param {string} gatewayUrl
 * @returns {Record<string, string>}
 */
export function providerEnv(document, gatewayUrl) {
  /** @type {Record<string, string>} */
  const env = { PUBLIC_BASE_URL: gatewayUrl };
  for (const [name, description] of Object.entries(document)) {
    if (typeof description !== 'object') continue;
    Object.assign(env, (PROVIDER_ENV[name] ?? ((d) => conventionalEnv(name, d)))(description));
  }
  return env;
}

/**
 * Adds the stand-ins' environment to every process's.
 * @param {Record<string, Record<string, string>>} env
 * @param {ProvidersDocument} document
 * @param {string} gatewayUrl
 */
export function withProviderEnv(env, document, gatewayUrl) {
  const extra = providerEnv(document, gatewayUrl);
  return Object.fromEntries(Object.entries(env).map(([app, appEnv]) => [app, { ...appEnv, ...extra }]));
}
