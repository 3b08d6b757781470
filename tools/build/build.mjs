// @ts-check
// Compiles every app and lib with SWC into dist/, mirroring the source tree, and rewrites the
// `@engage/*` path aliases into relative requires. Services then run as plain compiled JS
// (`node dist/apps/<app>/src/main.js`): no ts-node, no bundler, a full build in seconds on 2 cores.
// Type checking is a separate step (`npm run typecheck`), as SWC only strips types.
import { transformFile } from '@swc/core';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outRoot = join(root, 'dist');
/** @param {string} f */
const isSource = (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(f);

/** @param {string} dir @returns {Promise<string[]>} */
async function walk(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = await Promise.all(
    entries.map((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'e2e' ? [] : walk(p);
      return isSource(p) ? [p] : [];
    }),
  );
  return files.flat();
}

const tsconfig = JSON.parse(await readFile(join(root, 'tsconfig.base.json'), 'utf8'));
const swcrc = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const started = Date.now();
await rm(outRoot, { recursive: true, force: true });
const sources = [
  ...(await walk(join(root, 'apps'))),
  ...(await walk(join(root, 'libs'))),
  // The provider stand-ins are TypeScript too, run as compiled JS by the stack runner.
  ...(await walk(join(root, 'tools/providers'))),
];
// Bounded concurrency keeps memory flat on small machines.
let next = 0;
async function worker() {
  while (next < sources.length) {
    const file = sources[next++];
    const out = join(outRoot, relative(root, file)).replace(/\.ts$/, '.js');
    const result = await transformFile(file, {
      ...swcrc,
      swcrc: false,
      filename: file,
      jsc: { ...swcrc.jsc, baseUrl: root, paths: tsconfig.compilerOptions.paths },
      sourceFileName: relative(dirname(out), file),
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${result.code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
    if (result.map) await writeFile(`${out}.map`, result.map);
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
console.log(`built ${sources.length} files into dist/ in ${Date.now() - started} ms`);
