// @ts-check
// Renders libs/contracts/src/system/services.generated.ts: the registry as TypeScript constants
// (service names, subject prefixes, event streams), so that code names services through typed
// keys (`Services.crm`, `EventStreams.crm`) and never spells the list out again.

/** @param {string} app */
const keyOf = (app) => app.replace(/-service$/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());

import { natsPermissions } from './registry.mjs';

export const CONTRACTS_FILE = 'libs/contracts/src/system/services.generated.ts';

/** @param {string[]} list */
const tsList = (list) => `[${list.map((x) => `'${x}'`).join(', ')}]`;

/** @param {import('./registry.mjs').Registry} registry */
export function renderContracts(registry) {
  const permissions = Object.entries(natsPermissions(registry))
    .map(
      ([app, p]) =>
        `  '${app}': {\n    publish: ${tsList(p.publish)},\n    subscribe: ${tsList(p.subscribe)},\n    allowResponses: ${p.allowResponses},\n  },`,
    )
    .join('\n');
  const lines = (/** @type {(s: import('./registry.mjs').ServiceEntry) => string} */ line) => registry.services.map(line).join('\n');
  return `// GENERATED from libs/contracts/src/system/services.json by tools/registry/generate.mjs — do not edit.

/** The services of the suite by key; each name is also its NATS queue group. */
export const Services = {
${lines((s) => `  ${keyOf(s.app)}: '${s.app}',`)}
} as const;
export type ServiceName = (typeof Services)[keyof typeof Services];

/** Subject prefix of each service (\`<prefix>.<entity>.<verb>\`, events \`evt.<prefix>.…\`). */
export const ServicePrefix: Record<ServiceName, string> = {
${lines((s) => `  '${s.app}': '${s.prefix}',`)}
};

/** The stream each service's outbox publishes to. */
export const ServiceStreams = {
${lines((s) => `  ${keyOf(s.app)}: { name: '${s.stream}', subjects: ['evt.${s.prefix}.>'] },`)}
} as const;

/** The PostgreSQL schema each service owns. */
export const ServiceSchemas: Record<ServiceName, string> = {
${lines((s) => `  '${s.app}': '${s.schema}',`)}
};

/**
 * The NATS user of each process (the gateway and every service) may use only these subjects;
 * production NATS servers get the same list from the Helm chart (nats.auth).
 */
export const NatsPermissions: Record<ServiceName | '${registry.gateway.app}', { publish: readonly string[]; subscribe: readonly string[]; allowResponses: boolean }> = {
${permissions}
};
`;
}
