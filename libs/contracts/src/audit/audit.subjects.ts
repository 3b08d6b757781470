import type { EmptyRequest } from '../subjects/typed-subject';
import { eventSubject, rpcSubject } from '../subjects/typed-subject';
import { ServiceStreams } from '../system/services.generated';
import type { AuditPage, AuditVerifyView, ListAuditQuery } from './audit.dto';

/** The audit trail's subjects, answered by activity-service. */
export const AuditSubjects = {
  list: rpcSubject<ListAuditQuery, AuditPage>('activity.audit.list'),
  verify: rpcSubject<EmptyRequest, AuditVerifyView>('activity.audit.verify'),
} as const;

/**
 * Every event of one service's stream (`evt.crm.>`): what the audit trail records. The payload is
 * whatever that service's events carry.
 */
export const everyEventOf = (service: keyof typeof ServiceStreams) =>
  eventSubject<Record<string, unknown>>(ServiceStreams[service].subjects[0], '*');
