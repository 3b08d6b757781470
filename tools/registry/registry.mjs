// @ts-check
// Reads the service registry (libs/contracts/src/system/services.json): the one list of Engage's
// services. Node builtins only, so the stack runner and provisioning can use it before
// dependencies are installed or anything is built.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const REGISTRY_FILE = join(ROOT, 'libs/contracts/src/system/services.json');

/**
 * @typedef {object} ServiceEntry
 * @property {string} app         process and image name, e.g. "crm-service"; also its NATS queue group
 * @property {string} valuesKey   its block in the Helm values, e.g. "crmService"
 * @property {string} schema      the PostgreSQL schema it owns (roles <schema>_owner and <schema>_app)
 * @property {string} prefix      its NATS subject prefix: requests <prefix>.<entity>.<verb>, events evt.<prefix>.<entity>.<event>
 * @property {string} stream      the JetStream stream its outbox publishes to
 * @property {number} portOffset  its HTTP port (health, metrics) is the stack's base port plus this
 * @property {string} owns        what it owns, in a few words
 * @property {string[]} [calls]  request subjects of other services it calls (its NATS user may publish to them)
 * @property {string[]} [publishes]  other subjects it publishes to on core NATS (e.g. notification-service's live `rt.user.>`)
 * @property {DeployEntry} [deploy] how it differs from the defaults when deployed
 *
 * @typedef {object} DeployEntry
 * @property {string} [memoryLimit]  container memory limit (Helm default values); default 512Mi
 * @property {number} [maxReplicas]  autoscaling ceiling (Helm default values); default 6
 * @property {Record<string, string>} [env]  extra environment wherever it runs (stack, compose, Helm)
 * @property {string} [envNote]      why it needs that environment, written next to it
 * @property {boolean} [encryptionKey] it gets ENCRYPTION_KEY (field encryption) from its Secret
 *
 * @typedef {object} GatewayEntry
 * @property {string} app
 * @property {string} valuesKey
 * @property {number} portOffset
 * @property {string[]} [subscribes]  core NATS subjects it subscribes to (the realtime streams, user deactivations)
 *
 * @typedef {object} Registry
 * @property {GatewayEntry} gateway
 * @property {ServiceEntry[]} services
 */

/** @returns {Registry} */
export function readRegistry(file = REGISTRY_FILE) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * A service's deployment settings with the defaults filled in.
 * @param {ServiceEntry} service
 * @returns {Required<DeployEntry>}
 */
export function deployOf(service) {
  const d = service.deploy ?? {};
  return {
    memoryLimit: d.memoryLimit ?? '512Mi',
    maxReplicas: d.maxReplicas ?? 6,
    env: d.env ?? {},
    envNote: d.envNote ?? '',
    encryptionKey: d.encryptionKey ?? false,
  };
}

/** Header of every generated file, in the comment syntax of its language. */
export const GENERATED_NOTICE = 'GENERATED from libs/contracts/src/system/services.json by tools/registry/generate.mjs — do not edit';

/**
 * @typedef {object} NatsPermissions
 * @property {string[]} publish    subjects the process may publish to
 * @property {string[]} subscribe  subjects it may subscribe to
 * @property {boolean} allowResponses  it may answer the requests it receives (and only those)
 */

/**
 * The NATS permissions of every process, by app: a service answers requests under its own
 * prefix, publishes its own events, uses JetStream, and calls only the subjects the registry
 * lists for it; the gateway calls the services and answers nothing.
 * @param {Registry} registry
 * @returns {Record<string, NatsPermissions>}
 */
export function natsPermissions(registry) {
  /** @type {Record<string, NatsPermissions>} */
  const result = {
    [registry.gateway.app]: {
      publish: registry.services.map((s) => `${s.prefix}.>`),
      subscribe: ['_INBOX.>', ...(registry.gateway.subscribes ?? [])],
      allowResponses: false,
    },
  };
  for (const s of registry.services) {
    result[s.app] = {
      // JetStream: stream and consumer management and pulls ($JS.API), acknowledgements ($JS.ACK),
      // its own events, and dead letters of its consumers.
      publish: [`${s.prefix}.>`, `evt.${s.prefix}.>`, 'dlq.>', '$JS.API.>', '$JS.ACK.>', ...(s.calls ?? []), ...(s.publishes ?? [])],
      subscribe: [`${s.prefix}.>`, 'evt.>', '_INBOX.>'],
      allowResponses: true,
    };
  }
  return result;
}
