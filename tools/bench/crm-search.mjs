#!/usr/bin/env node
// @ts-check
// Fuzzy contact search through the gateway over the seeded 1,000,000 contacts (SPEC §9: p95 < 50 ms).
//
//   npm run build && ENGAGE_DATABASE=engage_crm_bench PORT=3200 npm run up
//   node tools/seed/crm-contacts.mjs --gateway http://localhost:3200 --database engage_crm_bench --count 1000000
//   node tools/bench/crm-search.mjs --gateway http://localhost:3200 [--connections 20] [--seconds 30]
//
// The queries are what people type: a seeded person's first and last name with one typo (a letter
// dropped, doubled, swapped or replaced) in one or both words, a last name alone, the start of an
// email address, the last seven digits of a phone number.
import { parseArgs } from 'node:util';
import { FIRST_NAMES, LAST_NAMES, contactAt, prng } from '../seed/crm-data.mjs';
import { benchTenant, load, login } from './crm-common.mjs';

const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: 'http://localhost:3200' },
    connections: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
  },
});

const rand = prng(2026);
/** @param {readonly string[]} list */
const pick = (list) => list[Math.floor(rand() * list.length)];
/** @param {string} word @returns {string} */
function typo(word) {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(rand() * (word.length - 2));
  switch (Math.floor(rand() * 4)) {
    case 0: return word.slice(0, i) + word.slice(i + 1);
    case 1: return word.slice(0, i) + word[i] + word.slice(i);
    case 2: return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1);
    default: return word.slice(0, i) + 'aeiou'[Math.floor(rand() * 5)] + word.slice(i + 1);
  }
}

const tenant = benchTenant();
/** @type {string[]} */
const queries = [];
for (let n = 0; n < 500; n++) {
  const kind = n % 10;
  const first = pick(FIRST_NAMES).toLowerCase();
  const last = pick(LAST_NAMES).toLowerCase();
  if (kind < 6) queries.push(`${typo(first)} ${rand() < 0.5 ? typo(last) : last}`);
  else if (kind < 8) queries.push(typo(last));
  else if (kind === 8) queries.push(`${first}.${last}`.slice(0, 8 + Math.floor(rand() * 5)));
  else {
    const i = Math.floor(rand() * tenant.count);
    queries.push(contactAt(i, prng(1), []).phone.slice(-7));
  }
}
let next = 0;
const nextPath = () => `/v1/contacts?limit=20&q=${encodeURIComponent(queries[next++ % queries.length])}`;

const token = await login(args.gateway, tenant);
const headers = { authorization: `Bearer ${token}` };
await load({ url: args.gateway, connections: Number(args.connections), seconds: Number(args.warmup), headers, nextPath });
const result = await load({ url: args.gateway, connections: Number(args.connections), seconds: Number(args.seconds), headers, nextPath });
console.log(JSON.stringify({ bench: 'crm-search', contacts: tenant.count, sample_queries: queries.slice(0, 10), ...result }, null, 2));
