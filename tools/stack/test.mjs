// @ts-check
// `npm test`: static checks, then unit and integration tests against real PostgreSQL, Redis and
// NATS, then end-to-end tests against the whole suite booted on its own ports, then the
// deployment checks. Prints one summary line, `N passed, N failed`, counted from the runners.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { connectionUrls } from '../infra/provision.mjs';
import { prepare, say } from './prepare.mjs';
import { ALL_APPS, run, startProcess, stopPids, waitForHealthy } from './processes.mjs';
import { loadDevelopmentDncList } from './national-dnc.mjs';
import { startProviders, withProviderEnv } from './providers.mjs';
import { ROOT, STATE_DIR, stackEnv } from './services.mjs';

const require = createRequire(import.meta.url);
// Overridable so that two checkouts on one machine can run their suites side by side.
const TEST_DATABASE = process.env.ENGAGE_TEST_DATABASE ?? 'engage_test';
const TEST_BASE_PORT = Number(process.env.ENGAGE_TEST_PORT ?? 3100);
const REDIS_TEST_URL = process.env.ENGAGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';
export const E2E_STATE_FILE = join(STATE_DIR, 'e2e-stack.json');
/** The test stack's stand-ins, apart from a development stack's `.engage/providers.json`. */
const E2E_PROVIDERS_FILE = join(STATE_DIR, 'e2e-providers.json');

/**
 * Runs a command that may fail; returns its exit code.
 * @param {string} cmd
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @returns {Promise<number>}
 */
const attempt = (cmd, args, env = {}) =>
  run(cmd, args, { env }).then(
    () => 0,
    (/** @type {Error} */ error) => {
      console.error(error.message.split('\n')[0]);
      return 1;
    },
  );

/**
 * @typedef {{ passed: number, failed: number, note?: string }} Tally
 * @typedef {{ status: string, assertionResults: { status: string }[] }} SuiteResult
 */

/**
 * @param {string[]} projects
 * @param {string} outputFile
 * @param {Record<string, string>} env
 * @param {string[]} [extra]
 * @returns {Promise<Tally>}
 */
async function jest(projects, outputFile, env, extra = []) {
  const args = ['node_modules/jest/bin/jest.js', '--ci', '--forceExit', ...projects.flatMap((p) => ['--selectProjects', p]), '--json', `--outputFile=${outputFile}`, ...extra];
  await attempt(process.execPath, args, env);
  if (!existsSync(outputFile)) return { passed: 0, failed: 1, note: 'jest produced no results' };
  /** @type {{ numPassedTests: number, numFailedTests: number, testResults: SuiteResult[] }} */
  const result = JSON.parse(readFileSync(outputFile, 'utf8'));
  // A suite that failed to load, or whose set-up or tear-down failed after its tests passed,
  // counts as a failure even though none of its tests did.
  const brokenSuites = result.testResults.filter((r) => r.status === 'failed' && !r.assertionResults.some((a) => a.status === 'failed')).length;
  return { passed: result.numPassedTests, failed: result.numFailedTests + brokenSuites };
}

/** @param {string} output @returns {Tally} */
function tap(output) {
  const m = /(\d+) passed, (\d+) failed/.exec(output);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : { passed: 0, failed: 1 };
}

/** @param {string[]} argv */
export async function runTests(argv) {
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  // `--filter=<regexp>`: only the test files whose path matches, in every tier that runs jest (a quicker loop).
  const filter = argv.find((a) => a.startsWith('--filter='))?.slice(9);
  const filterArgs = filter ? [`--testPathPattern=${filter}`, '--passWithNoTests'] : [];
  /** @param {string} tier */
  const wants = (tier) => !only || only.includes(tier);
  /** @type {({ name: string } & Tally)[]} */
  const tally = [];
  /** @param {string} name @param {Tally} r */
  const record = (name, r) => {
    tally.push({ name, ...r });
    say(`${name}: ${r.passed} passed, ${r.failed} failed`);
  };

  mkdirSync(STATE_DIR, { recursive: true });
  const urls = connectionUrls({ database: TEST_DATABASE });
  /** @param {string} natsUrl */
  const envFor = (natsUrl) => {
    const env = stackEnv({
      basePort: TEST_BASE_PORT,
      database: TEST_DATABASE,
      natsUrl,
      redisUrl: REDIS_TEST_URL,
      urls,
      nodeEnv: 'test',
      logLevel: process.env.LOG_LEVEL ?? 'info',
      requestTimeoutMs: 3000,
    });
    // Every end-to-end request comes from 127.0.0.1: give the anonymous per-IP budget room.
    env['api-gateway'].RATE_LIMIT_IP_PER_MIN = '5000';
    return env;
  };
  // Tests reach the same infrastructure the stack uses.
  /** @type {Record<string, string>} */
  const testEnv = {
    NODE_ENV: 'test',
    ENGAGE_TEST_DATABASE: TEST_DATABASE,
    ENGAGE_TEST_REDIS_URL: REDIS_TEST_URL,
    ENGAGE_E2E_STATE: E2E_STATE_FILE,
    ENGAGE_TEST_DB_URLS: JSON.stringify(urls),
  };
  /** @type {import('./processes.mjs').StartedProcess[]} */
  let processes = [];
  /** @type {import('./processes.mjs').StartedProcess | null} */
  let providers = null;
  let nats = null;
  try {
    // Every process gets the URL of a NATS server that exists only for this run; it is known
    // only once that server is up, after the build.
    await prepare({ database: TEST_DATABASE, env: envFor('nats://127.0.0.1:4222'), fresh: true });
    // The numbers integration and end-to-end tests dial need a current national DNC scrub.
    await loadDevelopmentDncList({ ownerUrl: urls.telephony.owner, log: say });
    const { NatsServerProcess } = require(join(ROOT, 'dist/libs/testing/src/nats-server.js'));
    nats = await NatsServerProcess.start();
    const env = envFor(nats.url);
    testEnv.ENGAGE_TEST_NATS_URL = nats.url;

    if (wants('static')) {
      say('typecheck…');
      const typecheck = await attempt(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
      record('typecheck', { passed: typecheck === 0 ? 1 : 0, failed: typecheck });
      // The stack runner, infrastructure, registry, generator and benchmark scripts are checked
      // JavaScript (JSDoc types), so a wrong argument fails here rather than in the middle of a run.
      const typecheckTools = await attempt(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.tools.json']);
      record('typecheck-tools', { passed: typecheckTools === 0 ? 1 : 0, failed: typecheckTools });
      say('lint…');
      const lint = await attempt('npm', ['run', '--silent', 'lint'], { NX_DAEMON: 'false' });
      record('lint', { passed: lint === 0 ? 1 : 0, failed: lint });
      say('OpenAPI lint (Redocly recommended)…');
      const openapi = await attempt(process.execPath, ['tools/openapi/lint.mjs']);
      record('openapi-lint', { passed: openapi === 0 ? 1 : 0, failed: openapi });
      // Generated files match the service registry, and the skeleton services are what the
      // service generator writes.
      for (const { name, script, args } of [
        { name: 'registry', script: 'tools/registry/generate.mjs', args: ['--check'] },
        { name: 'generator', script: 'tools/generator/new-service.mjs', args: ['--check-skeletons'] },
      ]) {
        const code = await attempt(process.execPath, [script, ...args]);
        record(name, { passed: code === 0 ? 1 : 0, failed: code });
      }
    }

    const projects = ['unit', 'integration'].filter(wants);
    if (projects.length) {
      say(`${projects.join(' + ')} tests…`);
      record(projects.join('+'), await jest(projects, join(STATE_DIR, 'jest-1.json'), testEnv, ['--maxWorkers=2', ...filterArgs]));
    }

    if (wants('e2e')) {
      say('starting the provider stand-ins and the suite for end-to-end tests…');
      const gatewayUrl = `http://127.0.0.1:${TEST_BASE_PORT}`;
      // Calls and texts run a hundred times faster than real time (a call rings for 30 ms).
      const started = await startProviders({ basePort: TEST_BASE_PORT, gatewayUrl, file: E2E_PROVIDERS_FILE, tag: '.test', twilioTimeScale: 0.01 });
      providers = started.process;
      const e2eEnv = withProviderEnv(env, started.document, gatewayUrl);
      processes = ALL_APPS.map((app) => startProcess(app, e2eEnv[app], { logDir: join(STATE_DIR, 'logs'), tag: '.test' }));
      // Seven Node processes booting at once on a shared two-core machine can take over a minute.
      await waitForHealthy(gatewayUrl, { processes: [...processes, providers], timeoutMs: 180_000 });
      // Tests read the stand-ins' URLs and credentials from here, to script outcomes and sign
      // callbacks exactly as the providers do.
      writeFileSync(
        E2E_STATE_FILE,
        JSON.stringify(
          { gatewayUrl, natsUrl: nats.url, env: e2eEnv, providers: started.document, pids: Object.fromEntries(processes.map((p) => [p.app, p.pid])) },
          null,
          2,
        ),
      );
      say('end-to-end tests…');
      record('e2e', await jest(['e2e'], join(STATE_DIR, 'jest-2.json'), testEnv, ['--runInBand', ...filterArgs]));
    }

    if (wants('deploy') && existsSync(join(ROOT, 'tools/deploy-check/check.mjs'))) {
      say('deployment checks (Dockerfile, Helm, Kubernetes manifests)…');
      // check.mjs validates what we ship; selftest.mjs proves the checker catches broken values.
      for (const script of ['check.mjs', 'selftest.mjs']) {
        const output = await run(process.execPath, [`tools/deploy-check/${script}`], { quiet: true }).catch((e) => e.message);
        record(`deploy-${script.replace('.mjs', '')}`, tap(output));
        if (tap(output).failed) console.log(output);
      }
    }
  } catch (error) {
    // A broken set-up (install, infrastructure, migrations) is a failure like any other: count it.
    console.error(error.message ?? error);
    record('set-up', { passed: 0, failed: 1 });
  } finally {
    await stopPids(readPids(processes));
    if (providers) await stopPids([providers.pid]);
    rmSync(E2E_STATE_FILE, { force: true });
    await nats?.stop();
  }
  const passed = tally.reduce((n, t) => n + t.passed, 0);
  const failed = tally.reduce((n, t) => n + t.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

/** Tests may restart a service; its new pid is in the state file. */
/** @param {import('./processes.mjs').StartedProcess[]} processes @returns {number[]} */
function readPids(processes) {
  const pids = processes.map((p) => p.pid);
  if (existsSync(E2E_STATE_FILE)) {
    /** @type {{ pids: Record<string, number> }} */
    const state = JSON.parse(readFileSync(E2E_STATE_FILE, 'utf8'));
    pids.push(...Object.values(state.pids));
  }
  return [...new Set(pids)];
}
