// Runs helm and kubectl (from .bin/) and parses what they render.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { binDir } from './bootstrap.mjs';

const helmHome = join(binDir, 'helm-home');

function run(bin, args, { cwd } = {}) {
  mkdirSync(helmHome, { recursive: true });
  const r = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      HOME: helmHome,
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
      KUBECONFIG: join(helmHome, 'no-kubeconfig'),
    },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function parseManifests(text, source) {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: YAML error: ${doc.errors[0].message}`);
    const obj = doc.toJS({ maxAliasCount: -1 });
    if (obj == null) continue;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`${source}: a document is not an object`);
    objects.push(obj);
  }
  return objects;
}

export class Tools {
  constructor({ helm, kubectl }) {
    this.helm = helm;
    this.kubectl = kubectl;
  }
  version() {
    const h = run(this.helm, ['version', '--short']).stdout.trim();
    const k = run(this.kubectl, ['version', '--client', '-o', 'json']).stdout;
    let kv = '?';
    try {
      kv = JSON.parse(k).clientVersion.gitVersion;
    } catch {}
    return { helm: h, kubectl: kv };
  }
  // helm lint --strict; returns a list of problems (empty = clean).
  lint(chartDir, args = []) {
    const r = run(this.helm, ['lint', '--strict', chartDir, ...args]);
    if (r.code === 0) return [];
    const lines = `${r.stdout}\n${r.stderr}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\[(ERROR|WARNING)\]|^Error|^- /.test(l));
    return lines.length ? lines : [`helm lint exited ${r.code}`];
  }
  // helm template; throws with helm's message when it refuses (schema, fail, syntax).
  template(chartDir, { release = 'engage', namespace = 'engage', args = [] } = {}) {
    const r = run(this.helm, ['template', release, chartDir, '--namespace', namespace, ...args]);
    if (r.code !== 0) throw new Error(r.stderr.trim() || `helm template exited ${r.code}`);
    return { text: r.stdout, objects: parseManifests(r.stdout, `helm template ${chartDir}`) };
  }
  kustomize(dir) {
    const r = run(this.kubectl, ['kustomize', dir]);
    if (r.code !== 0) throw new Error(r.stderr.trim() || `kubectl kustomize exited ${r.code}`);
    return { text: r.stdout, objects: parseManifests(r.stdout, `kubectl kustomize ${dir}`) };
  }
}
