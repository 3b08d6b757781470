// @ts-check
// Writes the files generated from the service registry (libs/contracts/src/system/services.json).
//   node tools/registry/generate.mjs           rewrite them (and k8s/base from the chart)
//   node tools/registry/generate.mjs --check   exit 1, naming each one that is stale
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPOSE_FILE, K8S_DEV_IMAGES_FILE, K8S_DEV_SECRETS_FILE, K8S_PROD_IMAGES_FILE, renderCompose, renderDevImages, renderDevSecrets, renderProdImages } from './compose.mjs';
import { CONTRACTS_FILE, renderContracts } from './contracts.mjs';
import { HELM_SCHEMA_FILE, HELM_SERVICES_FILE, HELM_VALUES_FILE, renderHelmSchema, renderHelmServices, renderHelmValues } from './helm.mjs';
import { readRegistry, REGISTRY_FILE, ROOT } from './registry.mjs';

/**
 * Every generated file, by path relative to the repository, with its expected content.
 * @param {import('./registry.mjs').Registry} registry
 * @returns {Record<string, string>}
 */
export function generatedFiles(registry = readRegistry()) {
  return {
    [CONTRACTS_FILE]: renderContracts(registry),
    [HELM_SERVICES_FILE]: renderHelmServices(registry),
    [HELM_VALUES_FILE]: renderHelmValues(registry),
    [HELM_SCHEMA_FILE]: renderHelmSchema(registry),
    [COMPOSE_FILE]: renderCompose(registry),
    [K8S_DEV_IMAGES_FILE]: renderDevImages(registry),
    [K8S_PROD_IMAGES_FILE]: renderProdImages(registry),
    [K8S_DEV_SECRETS_FILE]: renderDevSecrets(registry),
  };
}

/**
 * The generated files whose content on disk differs from what the registry under `root` gives.
 * @param {string} [root]
 */
export function staleFiles(root = ROOT, registry = readRegistry(join(root, 'libs/contracts/src/system/services.json'))) {
  return Object.entries(generatedFiles(registry))
    .filter(([file, text]) => !existsSync(join(root, file)) || readFileSync(join(root, file), 'utf8') !== text)
    .map(([file]) => file);
}

/**
 * k8s/base, k8s/migrations and k8s/provisioning are rendered from the chart with helm, which
 * tools/deploy-check installs; regenerate them when the chart changed.
 * @param {string} root
 */
function regenerateManifests(root) {
  const genK8s = join(root, 'tools/deploy-check/gen-k8s.mjs');
  if (!existsSync(genK8s)) return console.log('k8s/base not regenerated (no tools/deploy-check here)');
  execFileSync(process.execPath, [genK8s], { stdio: 'inherit', cwd: root });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const root = ROOT;
  const stale = staleFiles(root, readRegistry(REGISTRY_FILE));
  if (process.argv.includes('--check')) {
    if (stale.length) {
      console.error(`stale (run node tools/registry/generate.mjs):\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log('generated files match the service registry');
  } else {
    for (const [file, text] of Object.entries(generatedFiles())) {
      if (!stale.includes(file)) continue;
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    console.log(stale.length ? `rewrote ${stale.join(', ')}` : 'nothing to rewrite');
    if (stale.some((f) => f.startsWith('helm/'))) regenerateManifests(root);
  }
}
