// @ts-check
// Renders the parts of the Helm chart (helm/engage) that name the services: the list of values
// keys the templates range over, the default values (one block per service) and the values
// schema (one entry per service, and the enums of app and schema names). The shared settings
// are written by hand in tools/registry/templates/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployOf, GENERATED_NOTICE, natsPermissions } from './registry.mjs';

const TEMPLATES = new URL('./templates/', import.meta.url).pathname;
const template = (/** @type {string} */ name) => readFileSync(join(TEMPLATES, name), 'utf8');

export const HELM_SERVICES_FILE = 'helm/engage/templates/_services.tpl';
export const HELM_VALUES_FILE = 'helm/engage/values.yaml';
export const HELM_SCHEMA_FILE = 'helm/engage/values.schema.json';

/** The shared settings of a YAML file are edited in its template, its services in the registry. */
const yamlHeader = (/** @type {string} */ templateName) =>
  `# ${GENERATED_NOTICE}.\n# Shared settings: edit tools/registry/templates/${templateName}, then run npm run registry.\n`;

/** @param {import('./registry.mjs').Registry} registry */
export function renderHelmServices(registry) {
  const keys = [registry.gateway.valuesKey, ...registry.services.map((s) => s.valuesKey)].join(' ');
  return `{{/* ${GENERATED_NOTICE}. */}}

{{/* The values keys of the gateway and the services, in start order; every template ranges over them. */}}
{{- define "engage.serviceKeys" -}}
${keys}
{{- end -}}
`;
}

/**
 * The NATS permissions of a process as lines of its values block.
 * @param {import('./registry.mjs').NatsPermissions} p
 */
const natsLines = (p) => [
  '  # -- Subjects its NATS user may use when nats.auth is on (from the service registry).',
  '  natsPermissions:',
  `    publish: [${p.publish.map((s) => JSON.stringify(s)).join(', ')}]`,
  `    subscribe: [${p.subscribe.map((s) => JSON.stringify(s)).join(', ')}]`,
  `    allowResponses: ${p.allowResponses}`,
];

/**
 * One service's block of default values.
 * @param {import('./registry.mjs').ServiceEntry} s
 */
function valuesBlock(s, /** @type {import('./registry.mjs').NatsPermissions} */ nats) {
  const d = deployOf(s);
  const secretKeys = ['DATABASE_URL', 'MIGRATION_DATABASE_URL', ...(d.encryptionKey ? ['ENCRYPTION_KEY'] : [])].join(', ');
  const env = Object.entries(d.env);
  const lines = [
    `${s.valuesKey}:`,
    '  enabled: true',
    `  app: ${s.app}`,
    `  schema: ${s.schema}`,
    ...natsLines(nats),
    '  replicas: 2',
    '  resources:',
    '    requests: { cpu: 100m, memory: 256Mi }',
    `    limits: { cpu: "1", memory: ${d.memoryLimit} }`,
    '  autoscaling:',
    '    enabled: true',
    '    minReplicas: 2',
    `    maxReplicas: ${d.maxReplicas}`,
    '    targetCPUUtilizationPercentage: 70',
    '    customMetrics: []',
    '    behavior: {}',
    '  pdb:',
    '    enabled: true',
    '    minAvailable: ""',
    '    maxUnavailable: 1',
    `  # -- Existing Secret with ${secretKeys} (and`,
    '  # APP_PASSWORD, OWNER_PASSWORD when provisioning is enabled).',
    '  existingSecret: ""',
    '  # -- Used only when the chart creates the Secret; empty: generated and kept.',
    '  database: { appPassword: "", ownerPassword: "" }',
    ...(d.encryptionKey
      ? ['  # -- base64 of 32 random bytes; empty: generated and kept. Losing it loses encrypted data.', '  encryptionKey: ""']
      : []),
    ...(env.length
      ? [...(d.envNote ? [`  # ${d.envNote}`] : []), '  env:', ...env.map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)]
      : ['  env: {}']),
    '  podAnnotations: {}',
    '  podLabels: {}',
    '  nodeSelector: {}',
    '  tolerations: []',
    '  affinity: {}',
    '  # -- Extra egress rules for this service (NetworkPolicyEgressRule list), e.g. HTTPS to a',
    '  # provider API.',
    '  extraEgress: []',
  ];
  return lines.join('\n');
}

/** @param {import('./registry.mjs').Registry} registry */
export function renderHelmValues(registry) {
  const nats = natsPermissions(registry);
  return (
    yamlHeader('values.yaml') +
    template('values.yaml')
      .replaceAll('@GATEWAY_APP@', registry.gateway.app)
      .replace('@GATEWAY_NATS@', natsLines(nats[registry.gateway.app]).join('\n'))
      .replaceAll('@PROVISIONING_APP@', registry.services[0].app)
      .replace('@SERVICES@', registry.services.map((s) => valuesBlock(s, nats[s.app])).join('\n\n'))
  );
}

/**
 * The values schema: the hand-written template plus one entry per service, the app and schema
 * enums, and the service keys as required. JSON has no comments, so the notice is a `$comment`.
 * @param {import('./registry.mjs').Registry} registry
 */
export function renderHelmSchema(registry) {
  const base = JSON.parse(template('values.schema.json'));
  const { $schema, ...rest } = base;
  const schema = {
    $schema,
    $comment: `${GENERATED_NOTICE}. Shared settings: edit tools/registry/templates/values.schema.json, then run npm run registry.`,
    ...rest,
  };
  const workload = schema.definitions.workload.properties;
  workload.app.enum = [registry.gateway.app, ...registry.services.map((s) => s.app)];
  workload.schema.enum = registry.services.map((s) => s.schema);
  schema.properties[registry.gateway.valuesKey] = {
    allOf: [{ $ref: '#/definitions/workload' }, { properties: { app: { const: registry.gateway.app } }, not: { required: ['schema'] } }],
  };
  for (const s of registry.services) {
    schema.properties[s.valuesKey] = {
      allOf: [
        { $ref: '#/definitions/workload' },
        { properties: { app: { const: s.app }, schema: { const: s.schema } }, required: ['schema'] },
      ],
    };
  }
  schema.required = [...schema.required, registry.gateway.valuesKey, ...registry.services.map((s) => s.valuesKey)];
  return `${JSON.stringify(schema, null, 2)}\n`;
}
