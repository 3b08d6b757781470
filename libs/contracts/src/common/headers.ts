/**
 * NATS header names that carry the caller's context between processes. Every request and every
 * event carries them, so a service never has to guess who is asking or for which tenant.
 */
export const ContextHeader = {
  tenantId: 'x-tenant-id',
  userId: 'x-user-id',
  role: 'x-role',
  requestId: 'x-request-id',
  traceparent: 'traceparent',
  apiKeyId: 'x-api-key-id',
} as const;

/** Headers on JetStream event messages (in addition to the context headers). */
export const EventHeader = {
  /** JetStream de-duplicates publishes with the same id inside its duplicate window. */
  messageId: 'Nats-Msg-Id',
  eventType: 'x-event-type',
  aggregateVersion: 'x-aggregate-version',
} as const;
