// The checks, as functions over inputs, so that selftest.mjs can feed them broken inputs.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readRegistry } from '../../registry/registry.mjs';
import { repoRoot, toolDir } from './bootstrap.mjs';
import { composeRules } from './compose.mjs';
import { dockerfileRules, dockerignoreRules } from './dockerfile.mjs';
import { validateObject } from './k8s-schema.mjs';
import { chartRules, rules } from './rules.mjs';

export const CHART = join(repoRoot, 'helm/engage');
export const INFRA_CHART = join(repoRoot, 'helm/engage-infra');
// The service registry (libs/contracts/src/system/services.json) names the schemas.
export const SCHEMAS = readRegistry().services.map((s) => s.schema);

// The value sets the chart is checked with.
export const HELM_CASES = [
  { label: 'helm default', args: [] },
  { label: 'helm values-production', args: ['-f', join(CHART, 'values-production.yaml')], expectIngress: true, expectServiceMonitor: true, expectNatsAuth: true },
  { label: 'helm all options', args: ['-f', join(toolDir, 'fixtures/values-maximal.yaml')], expectIngress: true, expectServiceMonitor: true },
];

// Kustomize renders; each set's objects are checked together (jobs + the app they belong to).
export const KUSTOMIZE_SETS = [
  { label: 'kustomize dev', dirs: ['k8s/overlays/dev', 'k8s/overlays/dev/secrets', 'k8s/overlays/dev/provision', 'k8s/overlays/dev/migrations'] },
  { label: 'kustomize prod', dirs: ['k8s/overlays/prod', 'k8s/overlays/prod/migrations'] },
];

// Schema validation, unknown fields and every rule over one set of objects.
export function checkObjects(report, label, objects, { namespace = 'engage' } = {}) {
  const schema = [];
  const fields = [];
  for (const o of objects) {
    const r = validateObject(o);
    schema.push(...r.schema);
    fields.push(...r.fields);
  }
  report.add(`[${label}] ${objects.length} objects valid against the Kubernetes API schemas`, schema);
  report.add(`[${label}] no unknown fields (strict, as the API server)`, fields);
  for (const rule of rules) report.add(`[${label}] ${rule.what}`, rule.run(objects, namespace));
}

export async function checkHelmCase(report, tools, c, { chart = CHART } = {}) {
  await report.check(`[${c.label}] helm lint --strict`, () => tools.lint(chart, c.args));
  let objects = null;
  await report.check(`[${c.label}] helm template renders`, () => {
    objects = tools.template(chart, { args: c.args }).objects;
    return [];
  });
  if (!objects) return null;
  checkObjects(report, c.label, objects);
  for (const r of chartRules({ objects, schemas: SCHEMAS, expectIngress: c.expectIngress, expectServiceMonitor: c.expectServiceMonitor }))
    report.add(`[${c.label}] ${r.what}`, r.problems);
  if (c.expectNatsAuth)
    report.add(`[${c.label}] every process connects to NATS as its own user over verified TLS, and the NATS users are rendered`, natsAuthProblems(objects));
  return objects;
}

/**
 * Production NATS: each Deployment's container is the NATS user named after its app (password
 * from a Secret), trusts the NATS CA, and the authorization ConfigMap lists every app with its
 * permissions, so a process can use only its own subjects.
 */
export function natsAuthProblems(objects) {
  const problems = [];
  const apps = [];
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    for (const ctr of d.spec.template.spec.containers) {
      apps.push(ctr.name);
      const env = Object.fromEntries((ctr.env ?? []).map((e) => [e.name, e]));
      if (env.NATS_USER?.value !== ctr.name) problems.push(`${ctr.name}: NATS_USER is not its app name`);
      if (!env.NATS_PASSWORD?.valueFrom?.secretKeyRef) problems.push(`${ctr.name}: NATS_PASSWORD does not come from a Secret`);
      if (!env.NATS_TLS_CA_FILE) problems.push(`${ctr.name}: no NATS_TLS_CA_FILE (TLS not verified)`);
    }
  }
  const conf = objects.find((o) => o.kind === 'ConfigMap' && /nats-authorization$/.test(o.metadata.name))?.data?.['engage-authorization.conf'];
  if (!conf) problems.push('no nats-authorization ConfigMap');
  else
    for (const app of apps) {
      const line = conf.split('\n').find((l) => l.includes(`user: "${app}"`));
      if (!line) problems.push(`nats-authorization lacks user ${app}`);
      else if (!/publish: \{ allow: \[/.test(line) || !/subscribe: \{ allow: \[/.test(line)) problems.push(`${app}: NATS user without publish/subscribe limits`);
    }
  return problems;
}

// NOTES.txt: `helm template` does not print it and `helm install --dry-run` needs a cluster,
// so render it from a copy of the chart where it is wrapped in a ConfigMap.
export async function checkNotes(report, tools, c) {
  await report.check(`[${c.label}] NOTES.txt renders and tells how to reach /docs`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'engage-notes-'));
    try {
      cpSync(CHART, join(dir, 'engage'), { recursive: true });
      const notes = readFileSync(join(CHART, 'templates/NOTES.txt'), 'utf8');
      rmSync(join(dir, 'engage/templates/NOTES.txt'));
      writeFileSync(
        join(dir, 'engage/templates/zz-notes.yaml'),
        `{{- define "zz.notes" }}${notes}{{- end }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: zz-notes\ndata:\n  notes: {{ include "zz.notes" . | quote }}\n`,
      );
      const { objects } = tools.template(join(dir, 'engage'), { args: [...c.args, '--show-only', 'templates/zz-notes.yaml'] });
      const text = objects[0]?.data?.notes ?? '';
      const problems = [];
      if (!/\/docs/.test(text)) problems.push('NOTES do not mention /docs');
      if (!/port-forward|https?:\/\//.test(text)) problems.push('NOTES do not say how to reach the gateway');
      return problems;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export function checkKustomizeSet(report, tools, set, { root = repoRoot } = {}) {
  const objects = [];
  let ok = true;
  for (const d of set.dirs) {
    ok =
      report.add(`[${set.label}] kubectl kustomize ${d}`, (() => {
        try {
          objects.push(...tools.kustomize(join(root, d)).objects);
          return [];
        } catch (err) {
          return [String(err.message).split('\n')[0]];
        }
      })()) && ok;
  }
  if (ok) checkObjects(report, set.label, objects);
  return objects;
}

export function checkDockerfile(report, text) {
  for (const r of dockerfileRules(text)) report.add(r.what, r.problems);
}

export function checkDockerignore(report, text) {
  for (const r of dockerignoreRules(text)) report.add(r.what, r.problems);
}

export function checkCompose(report, text) {
  let results;
  try {
    results = composeRules(text);
  } catch (err) {
    report.add('compose: docker-compose.yml parses', [err.message]);
    return;
  }
  report.add('compose: docker-compose.yml parses', []);
  for (const r of results) report.add(r.what, r.problems);
}

export function checkInfraChart(report, chartYamlText, valuesText) {
  const problems = [];
  const chart = parse(chartYamlText);
  const values = parse(valuesText) ?? {};
  const deps = chart?.dependencies ?? [];
  for (const name of ['nats', 'postgresql', 'redis']) {
    const d = deps.find((x) => x.name === name);
    if (!d) problems.push(`no ${name} dependency`);
    else {
      if (!d.condition) problems.push(`${name} has no condition`);
      if (!d.version) problems.push(`${name} has no version`);
      if (!d.repository) problems.push(`${name} has no repository`);
      const key = String(d.condition ?? '').split('.')[0];
      if (typeof values?.[key]?.enabled !== 'boolean') problems.push(`values.yaml lacks ${d.condition}`);
    }
  }
  if (chart?.apiVersion !== 'v2') problems.push('apiVersion is not v2');
  report.add(
    'helm/engage-infra declares nats, postgresql and redis with condition:, version and repository (rendered only after `helm dependency build`, which needs their repositories)',
    problems,
  );
}

export async function checkGenerated(report, tools) {
  const { generate, diffGenerated } = await import('../gen-k8s.mjs');
  await report.check('k8s/base, k8s/migrations and k8s/provisioning match the chart defaults (node tools/deploy-check/gen-k8s.mjs)', async () =>
    diffGenerated(await generate(tools)),
  );
}
