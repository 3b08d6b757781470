import { EntitySchema } from 'typeorm';

/**
 * The messaging tables every service has in its own schema. Declared as entity schemas so that
 * the "entities and migrations agree" check covers them too.
 */
export interface OutboxRow {
  seq: string;
  id: string;
  tenantId: string;
  subject: string;
  envelope: Record<string, unknown>;
  traceparent: string | null;
  createdAt: Date;
  publishedAt: Date | null;
}

export interface InboxRow {
  tenantId: string;
  consumer: string;
  eventId: string;
  processedAt: Date;
}

export interface AppliedVersionRow {
  tenantId: string;
  consumer: string;
  aggregateType: string;
  aggregateId: string;
  version: number;
  appliedAt: Date;
}

export const messagingEntities = (schema: string) => [
  new EntitySchema<OutboxRow>({
    name: `${schema}_outbox`,
    tableName: 'outbox',
    schema,
    columns: {
      seq: { type: 'bigint', primary: true, generated: 'increment' },
      id: { type: 'uuid', unique: true },
      tenantId: { name: 'tenant_id', type: 'uuid' },
      subject: { type: 'text' },
      envelope: { type: 'jsonb' },
      traceparent: { type: 'text', nullable: true },
      createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
      publishedAt: { name: 'published_at', type: 'timestamptz', nullable: true },
    },
    indices: [{ name: `${schema}_outbox_unpublished_idx`, columns: ['publishedAt', 'seq'] }],
  }),
  new EntitySchema<InboxRow>({
    name: `${schema}_inbox`,
    tableName: 'inbox',
    schema,
    columns: {
      tenantId: { name: 'tenant_id', type: 'uuid', primary: true },
      consumer: { type: 'text', primary: true },
      eventId: { name: 'event_id', type: 'uuid', primary: true },
      processedAt: { name: 'processed_at', type: 'timestamptz', default: () => 'now()' },
    },
    indices: [{ name: `${schema}_inbox_processed_idx`, columns: ['processedAt'] }],
  }),
  new EntitySchema<AppliedVersionRow>({
    name: `${schema}_applied_versions`,
    tableName: 'applied_versions',
    schema,
    columns: {
      tenantId: { name: 'tenant_id', type: 'uuid', primary: true },
      consumer: { type: 'text', primary: true },
      aggregateType: { name: 'aggregate_type', type: 'text', primary: true },
      aggregateId: { name: 'aggregate_id', type: 'uuid', primary: true },
      version: { type: 'integer' },
      appliedAt: { name: 'applied_at', type: 'timestamptz', default: () => 'now()' },
    },
    indices: [{ name: `${schema}_applied_versions_applied_idx`, columns: ['appliedAt'] }],
  }),
];
