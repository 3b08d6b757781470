#!/usr/bin/env node
// @ts-check
// The stack runner behind `npm start`, `npm run up`, `npm run down`, `npm test`, `npm run migrate`
// and `npm run seed`. Node builtins only until dependencies are installed.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const command = process.argv[2];
const STATE_FILE = join(new URL('../..', import.meta.url).pathname, '.engage/stack.json');
const DEV = { basePort: Number(process.env.PORT ?? 3000), database: process.env.ENGAGE_DATABASE ?? 'engage' };

async function devEnv() {
  const { connectionUrls } = await import('../infra/provision.mjs');
  const { stackEnv } = await import('./services.mjs');
  return stackEnv({
    basePort: DEV.basePort,
    database: DEV.database,
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    urls: connectionUrls({ database: DEV.database }),
    nodeEnv: 'development',
    logLevel: process.env.LOG_LEVEL ?? 'info',
    requestTimeoutMs: 5000,
  });
}

async function prepareDev() {
  const { ensureDependencies } = await import('./prepare.mjs');
  await ensureDependencies();
  const { prepare } = await import('./prepare.mjs');
  const env = await devEnv();
  await prepare({ database: DEV.database, env });
  return env;
}

/**
 * @param {string} gatewayUrl
 * @param {{ tenant: string, email: string, password: string }} seeded
 */
function printWelcome(gatewayUrl, seeded) {
  const lines = [
    '',
    `  Engage is running.`,
    `  API        ${gatewayUrl}/v1`,
    `  API docs   ${gatewayUrl}/docs`,
    `  Health     ${gatewayUrl}/health`,
    `  Logs       .engage/logs/<service>.log`,
    `  Providers  .engage/providers.json (stand-in URLs and development credentials)`,
    '',
    `  Demo login (POST ${gatewayUrl}/v1/auth/login):`,
    `    tenant   ${seeded.tenant}`,
    `    email    ${seeded.email}`,
    `    password ${seeded.password}`,
    '',
  ];
  console.log(lines.join('\n'));
}

/** @param {{ detached: boolean }} options */
async function start({ detached }) {
  const { say } = await import('./prepare.mjs');
  if (detached && existsSync(STATE_FILE)) {
    say('a stack started by `npm run up` is already recorded; run `npm run down` first');
    process.exit(1);
  }
  const baseEnv = await prepareDev();
  // Development calls and texts need a current national Do-Not-Call scrub: a small list dated today.
  const { loadDevelopmentDncList } = await import('./national-dnc.mjs');
  await loadDevelopmentDncList({ ownerUrl: baseEnv['telephony-service'].MIGRATION_DATABASE_URL, log: say });
  const { ALL_APPS, startDetached, startProcess, stopPids, waitForHealthy } = await import('./processes.mjs');
  const { PROVIDERS_FILE, startProviders, withProviderEnv } = await import('./providers.mjs');
  const { seedDemo, DEMO } = await import('./seed.mjs');
  const gatewayUrl = `http://localhost:${DEV.basePort}`;
  say('starting the provider stand-ins…');
  // The stand-ins come first: the services are told where they are.
  const providers = await startProviders({ basePort: DEV.basePort, gatewayUrl, file: PROVIDERS_FILE, detached });
  const env = withProviderEnv(baseEnv, providers.document, gatewayUrl);
  say('starting the six processes…');
  const services = ALL_APPS.map((app) => (detached ? startDetached(app, env[app]) : startProcess(app, env[app])));
  const processes = [...services, providers.process];
  if (detached) writeFileSync(STATE_FILE, JSON.stringify({ pids: processes.map((p) => ({ app: p.app, pid: p.pid })), gatewayUrl }, null, 2));
  // The services stop first, so none of them calls a stand-in that has already gone.
  const stopAll = async () => {
    await stopPids(services.map((p) => p.pid));
    await stopPids([providers.process.pid]);
  };
  try {
    await waitForHealthy(gatewayUrl, { processes: detached ? [] : processes });
    await seedDemo(gatewayUrl);
  } catch (error) {
    console.error(`\n${error.message}`);
    await stopAll();
    if (detached) rmSync(STATE_FILE, { force: true });
    process.exit(1);
  }
  printWelcome(gatewayUrl, DEMO);
  if (detached) return;
  say('press Ctrl-C to stop');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await stopAll();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  for (const p of processes) {
    p.child?.on('exit', (code) => {
      if (!stopping) say(`${p.app} exited (code ${code}); see ${p.logFile}`);
    });
  }
}

async function down() {
  if (!existsSync(STATE_FILE)) {
    console.log('nothing to stop: no stack was started with `npm run up`');
    return;
  }
  const { stopPids } = await import('./processes.mjs');
  /** @type {{ pids: { app: string, pid: number }[] }} */
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  const { PROVIDERS_APP } = await import('./providers.mjs');
  // The services first, then the stand-ins they call.
  await stopPids(state.pids.filter((p) => p.app !== PROVIDERS_APP).map((p) => p.pid));
  await stopPids(state.pids.filter((p) => p.app === PROVIDERS_APP).map((p) => p.pid));
  rmSync(STATE_FILE, { force: true });
  console.log(`stopped ${state.pids.map((p) => p.app).join(', ')}`);
}

/** @type {Record<string, () => Promise<void>>} */
const commands = {
  start: () => start({ detached: false }),
  up: () => start({ detached: true }),
  down,
  migrate: async () => {
    await prepareDev();
    console.log('migrations applied');
  },
  seed: async () => {
    const { seedDemo } = await import('./seed.mjs');
    const result = await seedDemo(`http://localhost:${DEV.basePort}`);
    console.log(result.created ? 'demo tenant created' : 'demo tenant already there');
  },
  test: async () => {
    // test.mjs loads packages (pg, through the provisioning script): install them first.
    const { ensureDependencies } = await import('./prepare.mjs');
    await ensureDependencies();
    const { runTests } = await import('./test.mjs');
    process.exitCode = await runTests(process.argv.slice(3));
  },
};

if (!commands[command]) {
  console.error(`usage: node tools/stack/cli.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
commands[command]().catch((/** @type {Error} */ error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
