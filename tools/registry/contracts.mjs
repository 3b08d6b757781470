// @ts-check
// Renders libs/contracts/src/system/services.generated.ts: the registry as TypeScript constants
// (service names, subject prefixes, event streams), so that code names services through typed
// keys (`Services.crm`, `EventStreams.crm`) and never spells the list out again.

/** @param {string} app */
const keyOf = (app) => app.replace(/-service$/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());

export const CONTRACTS_FILE = 'libs/contracts/src/system/services.generated.ts';

/** @param {import('./registry.mjs').Registry} registry */
export function renderContracts(registry) {
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
`;
}
