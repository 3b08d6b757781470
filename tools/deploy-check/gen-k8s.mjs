#!/usr/bin/env node
// Generates the plain manifests under k8s/ from the Helm chart's defaults, so the two cannot
// drift: k8s/base (the app), k8s/migrations (the migration Jobs, which the chart runs as
// pre-install/pre-upgrade hooks) and k8s/provisioning (the optional provisioning Job).
// The overlays (k8s/overlays/*) are written by hand.
//
//   node tools/deploy-check/gen-k8s.mjs          # rewrite the generated files
//   (check.mjs compares them with a fresh render and fails when they are stale)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBinaries, ensureDependencies, repoRoot } from './lib/bootstrap.mjs';

export const GENERATED_DIRS = ['k8s/base', 'k8s/migrations', 'k8s/provisioning'];
// Differences from the chart defaults: credentials are not generated (plain manifests cannot
// keep a random secret stable); each service reads the Secret named after it.
const BASE_ARGS = ['--set', 'secrets.create=false'];
const PROVISION_ARGS = [...BASE_ARGS, '--set', 'provisioning.enabled=true', '--set', 'provisioning.existingSecret=engage-provision'];
const KIND_ORDER = ['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'Job'];
const HEADER = (what) =>
  `# GENERATED from helm/engage (default values, ${what}) by tools/deploy-check/gen-k8s.mjs.\n# Do not edit: change the chart and re-run the generator; customise in k8s/overlays/.\n`;

function clean(obj) {
  const walk = (v) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    if ('helm.sh/chart' in v) delete v['helm.sh/chart'];
    if (v['app.kubernetes.io/managed-by'] === 'Helm') v['app.kubernetes.io/managed-by'] = 'kustomize';
    Object.values(v).forEach(walk);
  };
  walk(obj);
  for (const meta of [obj.metadata, obj.spec?.template?.metadata]) {
    if (!meta?.annotations) continue;
    for (const k of Object.keys(meta.annotations)) if (k.startsWith('helm.sh/') || k.startsWith('checksum/')) delete meta.annotations[k];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  return obj;
}

export async function generate(tools) {
  const { stringify } = await import('yaml');
  const chart = join(repoRoot, 'helm/engage');
  const files = new Map();
  const dump = (objs) => objs.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  const sortObjs = (objs) =>
    [...objs].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
  const kustomization = (resources) =>
    `${HEADER('kustomization')}apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

  const base = tools.template(chart, { args: BASE_ARGS }).objects.map(clean);
  const groups = new Map();
  for (const o of base) {
    const comp = o.metadata?.labels?.['app.kubernetes.io/component'] ?? 'misc';
    const dir = o.kind === 'Job' ? 'k8s/migrations' : 'k8s/base';
    const file = o.kind === 'Job' ? `${dir}/${o.metadata.name.replace(/^engage-/, '')}.yaml` : `${dir}/${comp}.yaml`;
    if (!groups.has(file)) groups.set(file, []);
    groups.get(file).push(o);
  }
  const prov = tools
    .template(chart, { args: PROVISION_ARGS })
    .objects.filter((o) => o.kind === 'Job' && o.metadata?.labels?.['app.kubernetes.io/component'] === 'provisioning')
    .map(clean);
  groups.set('k8s/provisioning/provision.yaml', prov);

  for (const [file, objs] of groups) files.set(file, HEADER(file.split('/')[1]) + dump(sortObjs(objs)));
  for (const dir of GENERATED_DIRS) {
    const names = [...groups.keys()].filter((f) => dirname(f) === dir).map((f) => f.split('/').pop()).sort();
    files.set(`${dir}/kustomization.yaml`, kustomization(names));
  }
  return files;
}

// Returns the list of differences between `files` and what is on disk.
export function diffGenerated(files) {
  const problems = [];
  for (const [rel, content] of files) {
    const p = join(repoRoot, rel);
    if (!existsSync(p)) problems.push(`${rel} missing`);
    else if (readFileSync(p, 'utf8') !== content) problems.push(`${rel} differs`);
  }
  for (const dir of GENERATED_DIRS) {
    const abs = join(repoRoot, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs)) if (!files.has(`${dir}/${f}`)) problems.push(`${dir}/${f} is not generated (stale?)`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureDependencies();
  const bins = await ensureBinaries();
  const { Tools } = await import('./lib/tools.mjs');
  const files = await generate(new Tools(bins));
  for (const dir of GENERATED_DIRS) rmSync(join(repoRoot, dir), { recursive: true, force: true });
  for (const [rel, content] of files) {
    mkdirSync(dirname(join(repoRoot, rel)), { recursive: true });
    writeFileSync(join(repoRoot, rel), content);
    console.log(`wrote ${relative(process.cwd(), join(repoRoot, rel))}`);
  }
}
