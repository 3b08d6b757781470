#!/usr/bin/env node
// @ts-check
// Lints the gateway's OpenAPI document with Redocly's `recommended` ruleset; exits 1 on any
// error (warnings are printed). The document is generated exactly as the gateway serves it at
// /docs/openapi.json, from the built app (`npm run build` first) and without connecting to
// anything.
//
//   node tools/openapi/lint.mjs                 # lint
//   node tools/openapi/lint.mjs --write out.json   # also write the document
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** @returns {Promise<object>} */
async function generate() {
  const { generateOpenApiDocument } = require(join(ROOT, 'dist/apps/api-gateway/src/openapi-document.js'));
  return generateOpenApiDocument();
}

export async function lintOpenApi() {
  const document = await generate();
  // The library is ESM only.
  const { createConfig, lintFromString } = await import('@redocly/openapi-core');
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: join(ROOT, 'openapi.json'), config });
  return { document, problems };
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  const { document, problems } = await lintOpenApi();
  const writeAt = process.argv.indexOf('--write');
  if (writeAt > 0 && process.argv[writeAt + 1]) writeFileSync(process.argv[writeAt + 1], JSON.stringify(document, null, 2));
  for (const p of problems) {
    const where = p.location?.[0]?.pointer ?? '';
    console.log(`${p.severity} ${p.ruleId} ${where} ${p.message}`);
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  console.log(`openapi lint: ${errors} errors, ${warnings} warnings`);
  process.exit(errors ? 1 : 0);
}
