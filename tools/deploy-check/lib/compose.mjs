// Structural checks of docker/docker-compose.yml (no Docker engine here to run
// `docker compose config`): references, start-order conditions, pinned images, hardening.
import { parse } from 'yaml';
import { deployOf, readRegistry } from '../../registry/registry.mjs';

// Every app of the service registry (libs/contracts/src/system/services.json) and its schema.
const registry = readRegistry();
export const SERVICES = Object.fromEntries([
  [registry.gateway.app, null],
  ...registry.services.map((s) => [s.app, s.schema]),
]);
const ENCRYPTED = new Set(registry.services.filter((s) => deployOf(s).encryptionKey).map((s) => s.app));

const CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);

export function composeRules(text) {
  const doc = parse(text, { merge: true, maxAliasCount: -1 });
  const services = doc?.services ?? {};
  const names = Object.keys(services);
  const results = [];
  const add = (what, problems) => results.push({ what, problems });
  const deps = (s) => {
    const d = s.depends_on ?? {};
    return Array.isArray(d) ? Object.fromEntries(d.map((n) => [n, { condition: 'service_started' }])) : d;
  };
  const ownImage = (s) => /^engage\//.test(String(s.image ?? '')); // built from docker/Dockerfile: has a HEALTHCHECK
  const active = (s) => !s.profiles?.length;

  const refs = [];
  for (const [n, s] of Object.entries(services)) {
    for (const [dep, spec] of Object.entries(deps(s))) {
      const target = services[dep];
      if (!target) refs.push(`${n} depends on unknown service ${dep}`);
      else if (active(s) && !active(target)) refs.push(`${n} depends on ${dep}, which only runs under a profile`);
      const cond = spec?.condition ?? 'service_started';
      if (!CONDITIONS.has(cond)) refs.push(`${n} -> ${dep}: unknown condition ${cond}`);
      if (target && cond === 'service_healthy' && !target.healthcheck && !ownImage(target))
        refs.push(`${n} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      if (target && cond === 'service_completed_successfully' && target.restart && target.restart !== 'no')
        refs.push(`${n} waits for ${dep} to complete, but ${dep} restarts (${target.restart})`);
    }
  }
  // cycles
  const visiting = new Set();
  const done = new Set();
  const visit = (n, path) => {
    if (done.has(n) || !services[n]) return;
    if (visiting.has(n)) {
      refs.push(`dependency cycle: ${[...path, n].join(' -> ')}`);
      return;
    }
    visiting.add(n);
    for (const d of Object.keys(deps(services[n]))) visit(d, [...path, n]);
    visiting.delete(n);
    done.add(n);
  };
  names.forEach((n) => visit(n, []));
  add('compose: depends_on targets exist, conditions are valid and acyclic', refs);

  const infra = [];
  for (const [n, re] of [['postgres', /^postgres:15(\.\d+)?(-|$)/], ['redis', /^redis:7(\.\d+)*(-|$)/], ['nats', /^nats:2(\.\d+)*(-|$)/]]) {
    const s = services[n];
    if (!s) infra.push(`no ${n} service`);
    else if (!re.test(String(s.image ?? ''))) infra.push(`${n} image ${s.image} is not ${re}`);
    else if (!s.healthcheck) infra.push(`${n} has no healthcheck`);
  }
  const natsCmd = [].concat(services.nats?.command ?? []).join(' ');
  if (!/(^|\s)(-js|--jetstream)(\s|$)/.test(natsCmd)) infra.push('nats runs without -js (JetStream)');
  for (const [n, s] of Object.entries(services)) {
    const img = String(s.image ?? '');
    if (!img) {
      if (!s.build) infra.push(`${n} has neither image nor build`);
      continue;
    }
    const tag = img.split('/').pop().split(':')[1];
    if (!tag || tag === 'latest') infra.push(`${n} image ${img} is not pinned`);
  }
  add('compose: Postgres 15, Redis 7, NATS 2 with JetStream, pinned images with healthchecks', infra);

  const apps = [];
  for (const [app, schema] of Object.entries(SERVICES)) {
    const s = services[app];
    if (!s) {
      apps.push(`no ${app} service`);
      continue;
    }
    if (s.build?.args?.APP !== app) apps.push(`${app} is not built with APP=${app}`);
    if (!/docker\/Dockerfile$/.test(s.build?.dockerfile ?? '')) apps.push(`${app} is not built from docker/Dockerfile`);
    if (s.read_only !== true) apps.push(`${app} root filesystem is not read-only`);
    if (!(s.tmpfs ?? []).some((t) => String(t).startsWith('/tmp'))) apps.push(`${app} has no tmpfs on /tmp`);
    if (!(s.cap_drop ?? []).includes('ALL')) apps.push(`${app} keeps capabilities`);
    const env = s.environment ?? {};
    for (const k of ['NATS_URL', 'REDIS_URL', 'NODE_ENV', 'PORT']) if (!(k in env)) apps.push(`${app} lacks ${k}`);
    if (ENCRYPTED.has(app) && !/^[A-Za-z0-9+/]{43}=$/.test(String(env.ENCRYPTION_KEY ?? '').replace(/^\$\{\w+:-(.*)\}$/, '$1')))
      apps.push(`${app} ENCRYPTION_KEY default is not base64 of 32 bytes`);
    if (app === registry.gateway.app && !/^\d+$/.test(String(env.TRUST_PROXY ?? '0'))) apps.push('TRUST_PROXY must be a hop count');
    if (schema) {
      if (!('DATABASE_URL' in env)) apps.push(`${app} lacks DATABASE_URL`);
      if ('MIGRATION_DATABASE_URL' in env) apps.push(`${app} gets the owner role (MIGRATION_DATABASE_URL)`);
      const mig = services[`migrate-${schema}`];
      if (!mig) apps.push(`no migrate-${schema} service`);
      else {
        for (const k of ['MIGRATION_DATABASE_URL', 'DATABASE_URL', ...(ENCRYPTED.has(app) ? ['ENCRYPTION_KEY'] : [])])
          if (!(k in (mig.environment ?? {}))) apps.push(`migrate-${schema} lacks ${k}`);
        if (![].concat(mig.command ?? []).some((c) => String(c) === `dist/apps/${app}/src/migrate.js`))
          apps.push(`migrate-${schema} does not run dist/apps/${app}/src/migrate.js`);
        if (deps(mig).provision?.condition !== 'service_completed_successfully')
          apps.push(`migrate-${schema} does not wait for provision`);
      }
      if (deps(s)[`migrate-${schema}`]?.condition !== 'service_completed_successfully')
        apps.push(`${app} does not wait for migrate-${schema} to complete`);
    }
  }
  if (!services.provision) apps.push('no provision service');
  else if (![].concat(services.provision.command ?? []).some((c) => /tools\/infra\/provision\.mjs$/.test(String(c))))
    apps.push('provision does not run tools/infra/provision.mjs');
  add('compose: every app of the service registry, one provision and one migration per schema, in order', apps);

  const st = services.standins;
  add(
    'compose: the provider stand-ins slot exists and is off by default (profile standins)',
    !st ? ['no standins service'] : (st.profiles ?? []).includes('standins') ? [] : ['standins runs without a profile'],
  );
  return results;
}
