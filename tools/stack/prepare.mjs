// @ts-check
// What `npm start`, `npm run up` and `npm test` all do first: dependencies, infrastructure,
// database roles and schemas, a build, and migrations.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { migrateAll, run } from './processes.mjs';
import { ROOT } from './services.mjs';

/** @param {string} msg */
const say = (msg) => console.log(`\x1b[36m[engage]\x1b[0m ${msg}`);
export { say };

/** `npm ci` when node_modules is missing or older than the lockfile. */
export async function ensureDependencies() {
  const marker = join(ROOT, 'node_modules/.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing dependencies (npm ci)…');
  await run('npm', ['ci', '--no-audit', '--no-fund'], {});
}

/**
 * @param {{ database: string, env: Record<string, Record<string, string>>, build?: boolean, fresh?: boolean }} options
 */
export async function prepare({ database, env, build = true, fresh = false }) {
  await ensureDependencies();
  // Imported only now: these need the packages installed above.
  const { ensureInfra } = await import('../infra/bootstrap.mjs');
  const { provision, dropDatabase } = await import('../infra/provision.mjs');
  say('checking PostgreSQL, Redis and NATS…');
  await ensureInfra({ log: (m) => say(m) });
  if (fresh) {
    // Tests start from an empty database every run: no state left by another checkout or an
    // earlier run can make them pass or fail.
    await dropDatabase({ database, log: () => undefined });
  }
  say(`provisioning database ${database}…`);
  await provision({ database, log: () => undefined });
  if (build) {
    say('building…');
    await run(process.execPath, ['tools/build/build.mjs'], { quiet: true });
  }
  say('migrating…');
  // Tests also prove the migrations are complete: generating one from the entities must yield nothing.
  await migrateAll(env, { check: fresh });
}
