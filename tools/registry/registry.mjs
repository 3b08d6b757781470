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
 *
 * @typedef {object} GatewayEntry
 * @property {string} app
 * @property {string} valuesKey
 * @property {number} portOffset
 *
 * @typedef {object} Registry
 * @property {GatewayEntry} gateway
 * @property {ServiceEntry[]} services
 */

/** @returns {Registry} */
export function readRegistry(file = REGISTRY_FILE) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
