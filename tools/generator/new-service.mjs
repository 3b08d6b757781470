// @ts-check
// npm run new:service -- <name>            a new service <name>-service with the sample feature
// npm run new:service -- <name> --remove   takes a generated service out again
// npm run new:service -- --check-skeletons proves the generator against the services that are
//                                          still skeletons: their files are exactly its output
//
// A new service gets its registry entry (libs/contracts/src/system/services.json: schema, roles
// and RLS through provisioning, subject prefix, stream, port, Helm/k8s/compose entries through
// tools/registry/generate.mjs), its app under apps/<name>-service on the service kit, its
// contracts, its gateway routes and a unit, an integration and an end-to-end test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readRegistry, REGISTRY_FILE, ROOT } from '../registry/registry.mjs';
import { sample } from './sample.mjs';
import { appModule, migrationIndex, readme, skeleton } from './templates.mjs';

/** Services that are still skeletons: the generator's bare output, file for file. */
/** @type {string[]} */
const SKELETONS = [];
const BASE_PORT = 3000;

/** @param {string} text */
const pascalOf = (text) => text.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());

/**
 * @param {string} name
 * @param {import('../registry/registry.mjs').ServiceEntry} entry
 * @param {number} timestamp
 * @param {number} retention
 * @returns {import('./templates.mjs').Names & { retention: number }}
 */
function namesOf(name, entry, timestamp, retention) {
  const pascal = pascalOf(name);
  return {
    name,
    app: entry.app,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    pascal,
    schema: entry.schema,
    prefix: entry.prefix,
    stream: entry.stream,
    port: BASE_PORT + entry.portOffset,
    timestamp,
    retention,
  };
}

/**
 * Lines the generator adds to shared files, each after the marker comment that names its place.
 * @param {import('./templates.mjs').Names & { retention: number }} n
 * @param {boolean} withSample
 * @returns {Array<[string, string, string]>} file, marker, line
 */
function insertions(n, withSample) {
  const P = n.pascal;
  if (!withSample) return [];
  return /** @type {Array<[string, string, string]>} */ ([
    ['libs/contracts/src/index.ts', '// new:service exports', `export * from './${n.name}/${n.name}.contracts';`],
    ['libs/contracts/src/subjects/index.ts', '// new:service imports', `import { ${P}Events, ${P}Subjects } from '../${n.name}/${n.name}.contracts';`],
    ['libs/contracts/src/subjects/index.ts', '// new:service subjects', `  ${n.camel}: ${P}Subjects,`],
    ['libs/contracts/src/subjects/index.ts', '// new:service events', `  ${n.camel}: ${P}Events,`],
    ['apps/api-gateway/src/app.module.ts', '// new:service imports', `import { ${P}GatewayModule } from './${n.name}/${n.name}-gateway.module';`],
    ['apps/api-gateway/src/app.module.ts', '// new:service modules', `      ${P}GatewayModule,`],
  ]);
}

/** @param {Array<[string, string, string]>} list */
function insertLines(list) {
  for (const [file, marker, line] of list) {
    const path = join(ROOT, file);
    const text = readFileSync(path, 'utf8');
    if (text.includes(line)) continue;
    if (!text.includes(marker)) throw new Error(`${file} has no "${marker}" marker`);
    writeFileSync(path, text.replace(marker, `${line}\n${marker.startsWith('      ') ? '' : ''}${marker}`));
  }
}

/** @param {Array<[string, string, string]>} list */
function removeLines(list) {
  for (const [file, , line] of list) {
    const path = join(ROOT, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(`${line}\n`, ''));
  }
}

/**
 * Every file of the service's app and of its sample, by path.
 * @param {import('./templates.mjs').Names & { retention: number }} n
 * @param {boolean} withSample
 * @returns {Record<string, string>}
 */
function filesOf(n, withSample) {
  const migrationNames = [`Messaging${n.timestamp}`, `MessagingRetention${n.retention}`, ...(withSample ? [`Notes${n.timestamp + 2}`] : [])];
  const files = {
    ...skeleton(n),
    [`apps/${n.app}/src/migrations/${n.retention}-MessagingRetention.ts`]: skeleton({ ...n, timestamp: n.retention - 1 })[`apps/${n.app}/src/migrations/${n.retention}-MessagingRetention.ts`],
    [`apps/${n.app}/src/app.module.ts`]: appModule(n, withSample),
    [`apps/${n.app}/src/migrations/index.ts`]: migrationIndex(n, migrationNames),
    ...(withSample ? sample(n) : {}),
  };
  if (n.retention !== n.timestamp + 1) delete files[`apps/${n.app}/src/migrations/${n.timestamp + 1}-MessagingRetention.ts`];
  return files;
}

function regenerateDeployment() {
  const generator = join(ROOT, 'tools/registry/generate.mjs');
  if (existsSync(generator)) execFileSync(process.execPath, [generator], { stdio: 'inherit' });
}

/** @param {string} name */
function create(name) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.endsWith('-service')) {
    throw new Error(`"${name}" is not a service name: lowercase words joined by "-", without "-service" (e.g. "billing")`);
  }
  const registry = readRegistry();
  const app = `${name}-service`;
  if (registry.services.some((s) => s.app === app || s.prefix === name) || existsSync(join(ROOT, 'apps', app))) {
    throw new Error(`${app} exists already`);
  }
  const entry = {
    app,
    valuesKey: `${pascalOf(name)[0].toLowerCase()}${pascalOf(name).slice(1)}Service`,
    schema: name.replace(/-/g, '_'),
    prefix: name,
    stream: `EVT_${name.replace(/-/g, '_').toUpperCase()}`,
    portOffset: Math.max(registry.gateway.portOffset, ...registry.services.map((s) => s.portOffset)) + 1,
    owns: 'sample notes (generated by npm run new:service)',
  };
  registry.services.push(entry);
  writeFileSync(REGISTRY_FILE, `${JSON.stringify(registry, null, 2)}\n`);
  const timestamp = Date.now();
  const n = namesOf(name, entry, timestamp, timestamp + 1);
  for (const [file, text] of Object.entries({ ...filesOf(n, true), [`apps/${app}/README.md`]: readme(n) })) {
    mkdirSync(dirname(join(ROOT, file)), { recursive: true });
    writeFileSync(join(ROOT, file), text);
  }
  insertLines(insertions(n, true));
  regenerateDeployment();
  console.log(`${app}: registry entry, apps/${app}, libs/contracts/src/${name}, apps/api-gateway/src/${name}, e2e spec.\nNext: npm test`);
}

/** @param {string} name */
function remove(name) {
  const registry = readRegistry();
  const app = `${name}-service`;
  const entry = registry.services.find((s) => s.app === app);
  if (!entry) throw new Error(`${app} is not in the registry`);
  const n = namesOf(name, entry, 0, 1);
  removeLines(insertions(n, true));
  for (const dir of [`apps/${app}`, `libs/contracts/src/${name}`, `apps/api-gateway/src/${name}`]) rmSync(join(ROOT, dir), { recursive: true, force: true });
  rmSync(join(ROOT, `apps/api-gateway/e2e/${name}.e2e-spec.ts`), { force: true });
  registry.services = registry.services.filter((s) => s.app !== app);
  writeFileSync(REGISTRY_FILE, `${JSON.stringify(registry, null, 2)}\n`);
  regenerateDeployment();
  console.log(`${app} removed.`);
}

/**
 * The migration timestamps a skeleton already has (kept: databases have applied them).
 * @param {string} app
 */
function existingTimestamps(app) {
  const names = readdirSync(join(ROOT, 'apps', app, 'src/migrations'));
  const of = (/** @type {string} */ suffix) => Number(names.find((f) => f.endsWith(`-${suffix}.ts`))?.split('-')[0]);
  return { timestamp: of('Messaging'), retention: of('MessagingRetention') };
}

/**
 * Exits 1 listing every file of a skeleton service that differs from the generator's output.
 * @param {boolean} write  rewrite them instead
 */
function checkSkeletons(write) {
  const registry = readRegistry();
  const stale = [];
  for (const name of SKELETONS) {
    const entry = registry.services.find((s) => s.app === `${name}-service`);
    if (!entry) throw new Error(`${name}-service is not in the registry`);
    const { timestamp, retention } = existingTimestamps(entry.app);
    for (const [file, text] of Object.entries(filesOf(namesOf(name, entry, timestamp, retention), false))) {
      const path = join(ROOT, file);
      if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
      if (write) writeFileSync(path, text);
      stale.push(file);
    }
  }
  if (stale.length && !write) {
    console.error(`not what npm run new:service generates:\n  ${stale.join('\n  ')}`);
    return 1;
  }
  console.log(write ? `rewrote ${stale.length} file(s)` : SKELETONS.length ? `${SKELETONS.join(', ')}: generator output, file for file` : 'no skeleton services left');
  return 0;
}

const [first, ...rest] = process.argv.slice(2);
try {
  if (first === '--check-skeletons') process.exit(checkSkeletons(rest.includes('--write')));
  else if (!first) throw new Error('usage: npm run new:service -- <name> [--remove]');
  else if (rest.includes('--remove')) remove(first);
  else create(first);
} catch (error) {
  console.error(String(error instanceof Error ? error.message : error));
  process.exit(1);
}
