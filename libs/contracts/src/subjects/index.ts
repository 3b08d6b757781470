import { CrmEvents, CrmSubjects } from '../crm/crm.subjects';
import { IdentityEvents, IdentitySubjects } from '../identity/identity.subjects';
import { TelephonyEvents, TelephonySubjects } from '../telephony/telephony.subjects';
import { AuditSubjects } from '../audit/audit.subjects';
import { ActivityEvents, ActivitySubjects } from '../activity/activity.subjects';
import { NotificationSubjects } from '../notification/notification.subjects';
// new:service imports

export * from './typed-subject';

/**
 * Every request subject of the suite, by service: `Subjects.crm.contacts.get` carries the
 * request it takes and the reply it gives. (System subjects every service answers come from
 * `systemSubjects(service)`.)
 */
export const Subjects = {
  user: IdentitySubjects,
  crm: CrmSubjects,
  telephony: TelephonySubjects,
  /** The audit trail (kept by activity-service). */
  audit: AuditSubjects,
  activity: ActivitySubjects,
  notification: NotificationSubjects,
  // new:service subjects
} as const;

/** Every event of the suite, by publishing service: `Events.crm.contactMerged` carries its payload type. */
export const Events = {
  user: IdentityEvents,
  crm: CrmEvents,
  telephony: TelephonyEvents,
  activity: ActivityEvents,
  // new:service events
} as const;
