// GENERATED from libs/contracts/src/system/services.json by tools/registry/generate.mjs — do not edit.

/** The services of the suite by key; each name is also its NATS queue group. */
export const Services = {
  user: 'user-service',
  crm: 'crm-service',
  telephony: 'telephony-service',
  activity: 'activity-service',
  notification: 'notification-service',
} as const;
export type ServiceName = (typeof Services)[keyof typeof Services];

/** Subject prefix of each service (`<prefix>.<entity>.<verb>`, events `evt.<prefix>.…`). */
export const ServicePrefix: Record<ServiceName, string> = {
  'user-service': 'user',
  'crm-service': 'crm',
  'telephony-service': 'telephony',
  'activity-service': 'activity',
  'notification-service': 'notification',
};

/** The stream each service's outbox publishes to. */
export const ServiceStreams = {
  user: { name: 'EVT_USER', subjects: ['evt.user.>'] },
  crm: { name: 'EVT_CRM', subjects: ['evt.crm.>'] },
  telephony: { name: 'EVT_TELEPHONY', subjects: ['evt.telephony.>'] },
  activity: { name: 'EVT_ACTIVITY', subjects: ['evt.activity.>'] },
  notification: { name: 'EVT_NOTIFICATION', subjects: ['evt.notification.>'] },
} as const;

/** The PostgreSQL schema each service owns. */
export const ServiceSchemas: Record<ServiceName, string> = {
  'user-service': 'identity',
  'crm-service': 'crm',
  'telephony-service': 'telephony',
  'activity-service': 'activity',
  'notification-service': 'notification',
};
