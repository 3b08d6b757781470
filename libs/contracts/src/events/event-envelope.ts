import { ServiceStreams } from '../system/services.generated';

/**
 * Every event on JetStream has this shape. `id` is unique per event (consumers de-duplicate on
 * it), `version` is the aggregate's version after the change (consumers ignore older versions).
 */
export interface EventEnvelope<TPayload = Record<string, unknown>> {
  id: string;
  type: string;
  tenant_id: string;
  aggregate_type: string;
  aggregate_id: string;
  version: number;
  occurred_at: string;
  actor_id: string | null;
  request_id: string | null;
  payload: TPayload;
}

/** Streams: one per publishing service (from the service registry), and the dead letters. */
export const EventStreams = {
  ...ServiceStreams,
/** Events a consumer gave up on after its last delivery, with the failure recorded. */
  deadLetter: { name: 'DEAD_LETTER', subjects: ['dlq.>'] },
} as const;

/** The stream an event is published on, found by its subject's service prefix (`evt.crm.…` → EVT_CRM). */
export function streamOfEvent(subject: string): string {
  const prefix = subject.split('.').slice(0, 2).join('.');
  const stream = Object.values(EventStreams).find((s) => s.subjects.some((pattern) => pattern === `${prefix}.>`));
  if (!stream) throw new Error(`no stream carries events of ${subject}`);
  return stream.name;
}
