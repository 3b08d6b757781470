// @ts-check
// Writes the files generated from the service registry (libs/contracts/src/system/services.json).
//   node tools/registry/generate.mjs           rewrite them
//   node tools/registry/generate.mjs --check   exit 1, naming each one that is stale
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACTS_FILE, renderContracts } from './contracts.mjs';
import { readRegistry, ROOT } from './registry.mjs';

/** Every generated file, by path relative to the repository, with its expected content. */
export function generatedFiles(registry = readRegistry()) {
  return { [CONTRACTS_FILE]: renderContracts(registry) };
}

/** The generated files whose content on disk differs from what the registry gives. */
export function staleFiles(root = ROOT, registry = readRegistry()) {
  return Object.entries(generatedFiles(registry))
    .filter(([file, text]) => !existsSync(join(root, file)) || readFileSync(join(root, file), 'utf8') !== text)
    .map(([file]) => file);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const stale = staleFiles();
  if (process.argv.includes('--check')) {
    if (stale.length) {
      console.error(`stale (run node tools/registry/generate.mjs):\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log('generated files match the service registry');
  } else {
    for (const [file, text] of Object.entries(generatedFiles())) if (stale.includes(file)) writeFileSync(join(ROOT, file), text);
    console.log(stale.length ? `rewrote ${stale.join(', ')}` : 'nothing to rewrite');
  }
}
