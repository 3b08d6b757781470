/** Injection tokens of the shared runtime pieces every service gets. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');
export const JETSTREAM_MANAGER = Symbol('JETSTREAM_MANAGER');
export const REDIS = Symbol('REDIS');
export const LOGGER = Symbol('LOGGER');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');
