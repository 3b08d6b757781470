// @ts-check
// Renders the files outside the Helm chart that name every service: docker/docker-compose.yml
// (from tools/registry/templates/docker-compose.yml) and the Kubernetes overlays that list the
// images and the development Secrets. k8s/base, k8s/migrations and k8s/provisioning are rendered
// from the chart by tools/deploy-check/gen-k8s.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployOf, GENERATED_NOTICE } from './registry.mjs';

const TEMPLATES = new URL('./templates/', import.meta.url).pathname;

export const COMPOSE_FILE = 'docker/docker-compose.yml';
export const K8S_DEV_IMAGES_FILE = 'k8s/overlays/dev/images/kustomization.yaml';
export const K8S_PROD_IMAGES_FILE = 'k8s/overlays/prod/images/kustomization.yaml';
export const K8S_DEV_SECRETS_FILE = 'k8s/overlays/dev/secrets/kustomization.yaml';

/** Development only: the key the compose file and the dev overlay fall back to (base64 of 32 bytes). */
const DEV_ENCRYPTION_KEY = 'ZW5nYWdlLWRldi1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=';

/** The release the production overlay's example pins. */
export const PROD_TAG = '0.1.0';

const header = (/** @type {string} */ edit) => `# ${GENERATED_NOTICE}.\n# ${edit}\n`;

/** Role names and their password variables for one schema. @param {string} schema */
function roles(schema) {
  const upper = schema.toUpperCase();
  return {
    owner: `${schema}_owner`,
    app: `${schema}_app`,
    ownerVar: `\${${upper}_OWNER_PASSWORD:-${schema}_owner_dev}`,
    appVar: `\${${upper}_APP_PASSWORD:-${schema}_app_dev}`,
    ownerEnv: `${upper}_OWNER_PASSWORD`,
    appEnv: `${upper}_APP_PASSWORD`,
  };
}

/** @param {import('./registry.mjs').ServiceEntry} s */
const buildLines = (s) => [`    image: engage/${s.app}:dev`, '    build:', '      <<: *build', `      args: { APP: ${s.app} }`];

/** @param {import('./registry.mjs').ServiceEntry} s */
function migration(s) {
  const r = roles(s.schema);
  return [
    `  migrate-${s.schema}:`,
    '    <<: *migration',
    ...buildLines(s),
    `    command: ["node", "dist/apps/${s.app}/src/migrate.js"]`,
    '    environment:',
    '      <<: *service-env',
    `      MIGRATION_DATABASE_URL: postgres://${r.owner}:${r.ownerVar}@postgres:5432/engage`,
    "      # The migration CLI validates the service's whole configuration, which requires these.",
    `      DATABASE_URL: postgres://${r.app}:${r.appVar}@postgres:5432/engage`,
    ...(deployOf(s).encryptionKey ? [`      ENCRYPTION_KEY: \${ENCRYPTION_KEY:-${DEV_ENCRYPTION_KEY}}`] : []),
  ].join('\n');
}

/** @param {import('./registry.mjs').ServiceEntry} s */
function service(s) {
  const r = roles(s.schema);
  const d = deployOf(s);
  return [
    `  ${s.app}:`,
    '    <<: *hardening',
    ...buildLines(s),
    '    restart: unless-stopped',
    '    stop_grace_period: 30s',
    '    environment:',
    '      <<: *service-env',
    `      DATABASE_URL: postgres://${r.app}:${r.appVar}@postgres:5432/engage`,
    ...(d.encryptionKey
      ? [
          '      # Development key only (base64 of 32 bytes). Production: a random key from a secret store.',
          `      ENCRYPTION_KEY: \${ENCRYPTION_KEY:-${DEV_ENCRYPTION_KEY}}`,
        ]
      : []),
    ...(Object.keys(d.env).length && d.envNote ? [`      # ${d.envNote}`] : []),
    ...Object.entries(d.env).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
    '    depends_on:',
    '      <<: *infra-ready',
    `      migrate-${s.schema}:`,
    '        condition: service_completed_successfully',
  ].join('\n');
}

/** @param {import('./registry.mjs').Registry} registry */
export function renderCompose(registry) {
  const { services, gateway } = registry;
  const text = readFileSync(join(TEMPLATES, 'docker-compose.yml'), 'utf8')
    .replaceAll('@GATEWAY_APP@', gateway.app)
    .replaceAll('@PROVISIONING_APP@', services[0].app)
    .replace(
      '@PROVISION_ENV@',
      services
        .map((s) => roles(s.schema))
        .flatMap((r) => [`      ${r.ownerEnv}: \${${r.ownerEnv}:-${r.owner}_dev}`, `      ${r.appEnv}: \${${r.appEnv}:-${r.app}_dev}`])
        .join('\n'),
    )
    .replace(
      '@MIGRATIONS@',
      `  # One migration run per schema, as that schema's owner role (migrate.js exits 0 when done).\n${services.map(migration).join('\n\n')}`,
    )
    .replace('@SERVICES@', services.map(service).join('\n\n'))
    .replace('@GATEWAY_DEPENDS_ON@', services.map((s) => `      ${s.app}:\n        condition: service_healthy`).join('\n'));
  return header('Shared settings: edit tools/registry/templates/docker-compose.yml, then run npm run registry.') + text;
}

/** @param {import('./registry.mjs').Registry} registry */
const apps = (registry) => [registry.gateway.app, ...registry.services.map((s) => s.app)];

/** @param {import('./registry.mjs').Registry} registry */
export function renderDevImages(registry) {
  return `${header('Change the registry (or this renderer, tools/registry/compose.mjs) and run npm run registry.')}# Images for the dev overlays: what \`docker compose -f docker/docker-compose.yml build\` tags
# (load them into kind/minikube, or push them to the dev registry and set newName).
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
images:
${apps(registry)
  .map((a) => `  - { name: engage/${a}, newTag: dev }\n`)
  .join('')}`;
}

/** @param {import('./registry.mjs').Registry} registry */
export function renderProdImages(registry) {
  return `${header('Change the registry (or this renderer, tools/registry/compose.mjs) and run npm run registry.')}# Production images: the release's registry and an immutable tag (or digest: add \`digest:\`).
# For every release, bump the tag in tools/registry/compose.mjs (PROD_TAG) and regenerate, or
# override it in a kustomization of your own with \`kustomize edit set image\`.
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
images:
${apps(registry)
  .map((a) => `  - { name: engage/${a}, newName: registry.example.com/engage/${a}, newTag: "${PROD_TAG}" }\n`)
  .join('')}`;
}

/** @param {import('./registry.mjs').Registry} registry */
export function renderDevSecrets(registry) {
  const host = 'postgres.engage-dev.svc:5432';
  const secrets = registry.services.map((s) => {
    const r = roles(s.schema);
    return [
      `  - name: engage-${s.app}`,
      '    literals:',
      `      - DATABASE_URL=postgres://${r.app}:${r.app}_dev@${host}/engage`,
      `      - MIGRATION_DATABASE_URL=postgres://${r.owner}:${r.owner}_dev@${host}/engage`,
      `      - APP_PASSWORD=${r.app}_dev`,
      `      - OWNER_PASSWORD=${r.owner}_dev`,
      ...(deployOf(s).encryptionKey ? [`      - ENCRYPTION_KEY=${DEV_ENCRYPTION_KEY}`] : []),
    ].join('\n');
  });
  return `${header('Change the registry (or this renderer, tools/registry/compose.mjs) and run npm run registry.')}# DEVELOPMENT-ONLY credentials, committed on purpose so a dev cluster comes up with one command.
# Never reuse them anywhere else: production Secrets are created out of band (docs/deploy.md).
# Names are fixed (no hash suffix) because Deployments and Jobs in other kustomizations refer
# to them.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: engage-dev
generatorOptions:
  disableNameSuffixHash: true
  labels:
    app.kubernetes.io/part-of: engage
secretGenerator:
  - name: engage-provision
    literals:
      - PGADMIN_URL=postgres://postgres:postgres@${host}/postgres
${secrets.join('\n')}
`;
}
