#!/usr/bin/env node
// Proves that check.mjs catches breakage: feeds its checks deliberately broken inputs (bad
// values rejected by values.schema.json, rendered objects with a rule broken, a broken
// kustomize overlay, broken Dockerfile / compose / .dockerignore variants) and asserts that
// each is reported as a failure by the expected check. Also asserts that the unbroken inputs
// pass, so the checks are not simply failing everything.
//
//   node tools/deploy-check/selftest.mjs
//
// Output: "ok - detects ..." / "not ok - ...: why", then "N passed, N failed"; exit 1 on failure.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries, ensureDependencies, repoRoot } from './lib/bootstrap.mjs';

const started = Date.now();
ensureDependencies();
const bins = await ensureBinaries();
const { Report } = await import('./lib/tap.mjs');
const { Tools } = await import('./lib/tools.mjs');
const suite = await import('./lib/suite.mjs');
const { rules } = await import('./lib/rules.mjs');
const { generate, diffGenerated } = await import('./gen-k8s.mjs');

const tools = new Tools(bins);
const out = new Report();
const read = (p) => readFileSync(join(repoRoot, p), 'utf8');
const DOCKERFILE = read('docker/Dockerfile');
const COMPOSE = read('docker/docker-compose.yml');
const DOCKERIGNORE = read('.dockerignore');

// Runs `fn(report)` on a quiet report; passes when some failed check matches `expect`.
async function expectFailure(desc, expect, fn) {
  const r = new Report({ quiet: true });
  try {
    await fn(r);
  } catch (err) {
    r.add('(threw)', [String(err.message)]);
  }
  const failed = r.results.filter((x) => !x.ok);
  const hit = failed.find((x) => expect.test(x.what));
  out.add(
    `detects ${desc}${hit ? ` (${hit.what.replace(/^\[[^\]]+\] /, '')}: ${String(hit.problems[0]).slice(0, 140)})` : ''}`,
    hit ? [] : [failed.length ? `failed only: ${failed.map((x) => x.what).join(' | ')}` : 'no check failed'],
  );
}

async function expectPass(desc, fn) {
  const r = new Report({ quiet: true });
  await fn(r);
  const failed = r.results.filter((x) => !x.ok);
  out.add(`${desc} (${r.results.length} checks)`, failed.map((x) => `${x.what}: ${x.problems[0]}`));
}

// ---- controls: the real inputs pass ---------------------------------------------------------
const defaults = tools.template(suite.CHART).objects;
const productionObjects = tools.template(suite.CHART, { args: ['-f', join(suite.CHART, 'values-production.yaml')] }).objects;
await expectPass('control: the chart defaults pass every rule', (r) => suite.checkObjects(r, 'default', defaults));
await expectPass('control: the Dockerfile, .dockerignore and compose file pass', (r) => {
  suite.checkDockerfile(r, DOCKERFILE);
  suite.checkDockerignore(r, DOCKERIGNORE);
  suite.checkCompose(r, COMPOSE);
});

// ---- values.schema.json rejects bad values (helm lint and helm template) ---------------------
const helmCase = (label, ...args) => (r) => suite.checkHelmCase(r, tools, { label, args });
const schemaCases = [
  ['gateway.replicas=-1 (below minimum)', ['--set', 'gateway.replicas=-1']],
  ['gateway.replicas=abc (wrong type)', ['--set', 'gateway.replicas=abc']],
  ['image.tag=latest', ['--set', 'image.tag=latest']],
  ['a typo in a values key (gateway.replica)', ['--set', 'gateway.replica=3']],
  ['a service without resources (crmService.resources=null)', ['--set', 'crmService.resources=null']],
  ['resources without limits (userService.resources.limits=null)', ['--set', 'userService.resources.limits=null']],
  ['terminationGracePeriodSeconds=5', ['--set', 'terminationGracePeriodSeconds=5']],
  ['readOnlyRootFilesystem turned off', ['--set', 'containerSecurityContext.readOnlyRootFilesystem=false']],
  ['runAsNonRoot turned off', ['--set', 'podSecurityContext.runAsNonRoot=false']],
  ['an unknown schema name', ['--set', 'crmService.schema=sales']],
  ['a non-nats:// NATS URL', ['--set', 'nats.url=http://nats:4222']],
  ['provisioning enabled without credentials', ['--set', 'provisioning.enabled=true']],
];
for (const [desc, args] of schemaCases) {
  await expectFailure(`bad values: ${desc}`, /helm template renders|helm lint/, helmCase('broken', ...args));
}

// ---- rules over rendered objects -------------------------------------------------------------
const mutate = (fn) => {
  const objs = structuredClone(defaults);
  fn(objs);
  return objs;
};
const dep = (objs, comp) => objs.find((o) => o.kind === 'Deployment' && o.metadata.labels['app.kubernetes.io/component'] === comp);
const ctr = (objs, comp) => dep(objs, comp).spec.template.spec.containers[0];
const ruleCases = [
  ['a container without resources', /cpu and memory requests and limits/, (o) => delete ctr(o, 'crm-service').resources],
  ['a container without memory limit', /cpu and memory requests and limits/, (o) => delete ctr(o, 'crm-service').resources.limits.memory],
  ['an image tagged latest', /image is pinned/, (o) => (ctr(o, 'api-gateway').image = 'engage/api-gateway:latest')],
  ['an untagged image', /image is pinned/, (o) => (ctr(o, 'api-gateway').image = 'engage/api-gateway')],
  ['a container without readinessProbe', /liveness and readiness/, (o) => delete ctr(o, 'user-service').readinessProbe],
  ['a container without livenessProbe', /liveness and readiness/, (o) => delete ctr(o, 'user-service').livenessProbe],
  ['a Deployment without PDB', /PodDisruptionBudget/, (o) => o.splice(o.findIndex((x) => x.kind === 'PodDisruptionBudget'), 1)],
  ['a Deployment without HPA', /HorizontalPodAutoscaler/, (o) => o.splice(o.findIndex((x) => x.kind === 'HorizontalPodAutoscaler'), 1)],
  ['pods selected by no NetworkPolicy', /NetworkPolicy selects every pod/, (o) => o.splice(o.findIndex((x) => x.kind === 'NetworkPolicy'), 1)],
  ['Jobs selected by no NetworkPolicy', /NetworkPolicy selects every pod/, (o) => o.splice(o.findIndex((x) => x.kind === 'NetworkPolicy' && /-jobs$/.test(x.metadata.name)), 1)],
  ['terminationGracePeriodSeconds 10', /terminationGracePeriodSeconds/, (o) => (dep(o, 'crm-service').spec.template.spec.terminationGracePeriodSeconds = 10)],
  ['readOnlyRootFilesystem false', /read-only root filesystem/, (o) => (ctr(o, 'crm-service').securityContext.readOnlyRootFilesystem = false)],
  ['no emptyDir on /tmp', /read-only root filesystem/, (o) => (ctr(o, 'crm-service').volumeMounts = [])],
  ['allowPrivilegeEscalation true', /allowPrivilegeEscalation/, (o) => (ctr(o, 'crm-service').securityContext.allowPrivilegeEscalation = true)],
  ['capabilities not dropped', /drops ALL capabilities/, (o) => (ctr(o, 'crm-service').securityContext.capabilities = {})],
  [
    'runAsNonRoot missing',
    /runs as non-root/,
    (o) => {
      delete ctr(o, 'crm-service').securityContext.runAsNonRoot;
      delete dep(o, 'crm-service').spec.template.spec.securityContext.runAsNonRoot;
    },
  ],
  ['a Job running as root without limits', /cpu and memory|non-root/, (o) => {
    const j = o.find((x) => x.kind === 'Job');
    j.spec.template.spec.securityContext = { runAsUser: 0 };
    delete j.spec.template.spec.containers[0].securityContext.runAsNonRoot;
    delete j.spec.template.spec.containers[0].resources;
  }],
  ['a command that bypasses tini', /ENTRYPOINT/, (o) => (ctr(o, 'crm-service').command = ['node', 'main.js'])],
  ['a wrong type in a Kubernetes field', /Kubernetes API schemas/, (o) => (ctr(o, 'crm-service').ports[0].containerPort = 'http')],
  ['an invalid quantity', /Kubernetes API schemas/, (o) => (ctr(o, 'crm-service').resources.limits.cpu = 'lots')],
  ['an unknown field (livenessprobe typo)', /unknown fields/, (o) => (ctr(o, 'crm-service').livenessprobe = {})],
  ['an unknown field in a NetworkPolicy', /unknown fields/, (o) => (o.find((x) => x.kind === 'NetworkPolicy').spec.egres = [])],
  ['a Service selecting nothing', /points at an existing workload/, (o) => (o.find((x) => x.kind === 'Service').spec.selector.extra = 'x')],
  ['a number rendered as 1.048576e+06', /exponent notation/, (o) => (o.find((x) => x.kind === 'ConfigMap').data.BODY_LIMIT_BYTES = '1.048576e+06')],
  ['a duplicate object', /share kind, namespace and name/, (o) => o.push(structuredClone(o.find((x) => x.kind === 'Service')))],
];
const production = () => structuredClone(productionObjects);
ruleCases.push(
  ['production without NATS users', /own user over verified TLS/, null, (o) => o.forEach((x) => x.kind === 'Deployment' && x.spec.template.spec.containers.forEach((ctr) => (ctr.env = ctr.env.filter((e) => e.name !== 'NATS_USER'))))],
  ['production without the NATS CA', /own user over verified TLS/, null, (o) => o.forEach((x) => x.kind === 'Deployment' && x.spec.template.spec.containers.forEach((ctr) => (ctr.env = ctr.env.filter((e) => e.name !== 'NATS_TLS_CA_FILE'))))],
  ['production NATS users without limits', /own user over verified TLS/, null, (o) => {
    const cm = o.find((x) => x.kind === 'ConfigMap' && /nats-authorization$/.test(x.metadata.name));
    cm.data['engage-authorization.conf'] = cm.data['engage-authorization.conf'].replace(/permissions: .*$/gm, '}');
  }],
);
for (const [desc, expect, fn, natsFn] of ruleCases) {
  if (natsFn) {
    await expectFailure(`broken render: ${desc}`, expect, (r) => {
      const objs = production();
      natsFn(objs);
      r.add('every process connects to NATS as its own user over verified TLS', suite.natsAuthProblems(objs));
    });
    continue;
  }
  await expectFailure(`broken render: ${desc}`, expect, (r) => suite.checkObjects(r, 'broken', mutate(fn)));
}
await expectFailure('broken render: a schema without migration Job', /migration Job per schema/, async (r) => {
  const { chartRules } = await import('./lib/rules.mjs');
  const objs = mutate((o) => o.splice(o.findIndex((x) => x.kind === 'Job'), 1));
  for (const x of chartRules({ objects: objs, schemas: suite.SCHEMAS })) r.add(x.what, x.problems);
});
if (rules.length < 10) out.add('rule table is complete', [`only ${rules.length} rules`]);

// ---- kustomize overlays and the generated k8s/ ------------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'engage-selftest-'));
try {
  cpSync(join(repoRoot, 'k8s'), join(tmp, 'k8s'), { recursive: true });
  const comp = join(tmp, 'k8s/overlays/prod/images/kustomization.yaml');
  writeFileSync(comp, readFileSync(comp, 'utf8').replace(/newTag: "0\.1\.0" \}/, 'newTag: latest }'));
  await expectFailure('a prod overlay that sets an image tag to latest', /image is pinned/, (r) =>
    suite.checkKustomizeSet(r, tools, suite.KUSTOMIZE_SETS[1], { root: tmp }),
  );
  const devK = join(tmp, 'k8s/overlays/dev/kustomization.yaml');
  writeFileSync(devK, readFileSync(devK, 'utf8').replace('value: 1\n', 'value: 1\n      - op: remove\n        path: /spec/scaleTargetRef\n'));
  await expectFailure('a dev overlay patch that breaks the HPAs', /HorizontalPodAutoscaler|Kubernetes API schemas|kustomize/, (r) =>
    suite.checkKustomizeSet(r, tools, suite.KUSTOMIZE_SETS[0], { root: tmp }),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
await expectFailure('k8s/base out of date with the chart', /match the chart defaults/, async (r) => {
  const files = await generate(tools);
  files.set('k8s/base/config.yaml', `${files.get('k8s/base/config.yaml')}# drift\n`);
  r.add('k8s/base ... match the chart defaults', diffGenerated(files));
});

// ---- Dockerfile -------------------------------------------------------------------------------
const dfCases = [
  ['FROM node:latest', /base image is pinned/, (t) => t.replace('ARG NODE_VERSION=22.23.3', 'ARG NODE_VERSION=latest').replace(/node:\$\{NODE_VERSION\}-bookworm-slim/g, 'node:${NODE_VERSION}')],
  ['an untagged base image', /base image is pinned/, (t) => t.replace(/FROM node:\$\{NODE_VERSION\}-bookworm-slim AS runtime-base/, 'FROM debian AS runtime-base')],
  ['a floating major-only Node tag', /base image is pinned/, (t) => t.replace('ARG NODE_VERSION=22.23.3', 'ARG NODE_VERSION=22')],
  ['no USER', /non-root USER/, (t) => t.replace(/^USER node$/m, '')],
  ['USER root', /non-root USER/, (t) => t.replace(/^USER node$/m, 'USER root')],
  ['no HEALTHCHECK', /HEALTHCHECK/, (t) => t.replace(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, '')],
  ['ADD of a URL', /ADD/, (t) => t.replace(/^USER node$/m, 'ADD https://example.com/x.sh /x.sh\nUSER node')],
  ['apt lists not cleaned', /apt lists|apt-get runs/, (t) => t.replace(/ \\\n\s+&& rm -rf \/var\/lib\/apt\/lists\/\*/, '')],
  ['npm install instead of npm ci', /npm ci/, (t) => t.replace('npm ci --no-audit --no-fund\n', 'npm install\n')],
  ['no production-only install', /npm ci/, (t) => t.replace('npm ci --omit=dev', 'npm ci')],
  ['no tini', /tini/, (t) => t.replace('ENTRYPOINT ["/usr/bin/tini", "--"]', 'ENTRYPOINT ["node"]')],
  ['CMD in shell form', /exec form/, (t) => t.replace('CMD ["node", "main.js"]', 'CMD node main.js')],
  ['a secret in ENV', /no secrets in ENV/, (t) => t.replace('ENV APP=${APP}', 'ENV DB_PASSWORD=hunter2 APP=${APP}')],
];
for (const [desc, expect, fn] of dfCases) {
  const broken = fn(DOCKERFILE);
  if (broken === DOCKERFILE) {
    out.add(`detects Dockerfile: ${desc}`, ['the mutation did not apply (selftest out of date with docker/Dockerfile)']);
    continue;
  }
  await expectFailure(`Dockerfile: ${desc}`, expect, (r) => suite.checkDockerfile(r, broken));
}

// ---- compose, .dockerignore, engage-infra --------------------------------------------------------
const composeCases = [
  ['depends_on an unknown service', /depends_on targets/, (t) => t.replace('migrate-crm:\n        condition: service_completed_successfully', 'migrate-sales:\n        condition: service_completed_successfully')],
  ['NATS without JetStream', /JetStream/, (t) => t.replace('command: ["-js", ', 'command: [')],
  ['an infrastructure image on latest', /pinned images/, (t) => t.replace('redis:7.4.5-bookworm', 'redis:latest')],
  ['a schema without migration service', /one migration per schema/, (t) => t.replace('  migrate-telephony:\n', '  migrate-telefony:\n')],
  ['an app container with a writable root filesystem', /every app of the service registry/, (t) => t.replace('  read_only: true\n', '  read_only: false\n')],
  ['the stand-ins started by default', /stand-ins/, (t) => t.replace('    profiles: ["standins"]\n', '')],
];
for (const [desc, expect, fn] of composeCases) {
  const broken = fn(COMPOSE);
  if (broken === COMPOSE) {
    out.add(`detects compose: ${desc}`, ['the mutation did not apply (selftest out of date with docker-compose.yml)']);
    continue;
  }
  await expectFailure(`compose: ${desc}`, expect, (r) => suite.checkCompose(r, broken));
}
await expectFailure('.dockerignore that lets node_modules in', /dockerignore/, (r) =>
  suite.checkDockerignore(r, DOCKERIGNORE.replace(/^\*\*\/node_modules$/m, '')),
);
await expectFailure('.dockerignore that drops libs/', /dockerignore/, (r) => suite.checkDockerignore(r, `${DOCKERIGNORE}\nlibs\n`));
await expectFailure('engage-infra dependency without condition', /engage-infra/, (r) =>
  suite.checkInfraChart(r, read('helm/engage-infra/Chart.yaml').replace('    condition: redis.enabled\n', ''), read('helm/engage-infra/values.yaml')),
);

process.stdout.write(`# ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exitCode = out.finish();
