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

/**
 * The NATS user of each process (the gateway and every service) may use only these subjects;
 * production NATS servers get the same list from the Helm chart (nats.auth).
 */
export const NatsPermissions: Record<ServiceName | 'api-gateway', { publish: readonly string[]; subscribe: readonly string[]; allowResponses: boolean }> = {
  'api-gateway': {
    publish: ['user.>', 'crm.>', 'telephony.>', 'activity.>', 'notification.>'],
    subscribe: ['_INBOX.>', 'rt.user.>', 'evt.user.user.deactivated'],
    allowResponses: false,
  },
  'user-service': {
    publish: ['user.>', 'evt.user.>', 'dlq.>', '$JS.API.>', '$JS.ACK.>', 'notification.email.send_link'],
    subscribe: ['user.>', 'evt.>', '_INBOX.>'],
    allowResponses: true,
  },
  'crm-service': {
    publish: ['crm.>', 'evt.crm.>', 'dlq.>', '$JS.API.>', '$JS.ACK.>', 'user.users.get'],
    subscribe: ['crm.>', 'evt.>', '_INBOX.>'],
    allowResponses: true,
  },
  'telephony-service': {
    publish: ['telephony.>', 'evt.telephony.>', 'dlq.>', '$JS.API.>', '$JS.ACK.>', 'crm.contacts.get', 'crm.contacts.find_by_phone', 'user.tenant.modules', 'user.users.me'],
    subscribe: ['telephony.>', 'evt.>', '_INBOX.>'],
    allowResponses: true,
  },
  'activity-service': {
    publish: ['activity.>', 'evt.activity.>', 'dlq.>', '$JS.API.>', '$JS.ACK.>', 'crm.contacts.get', 'crm.contacts.match_emails', 'crm.deals.get', 'crm.companies.get', 'user.users.get', 'user.tenant.modules'],
    subscribe: ['activity.>', 'evt.>', '_INBOX.>'],
    allowResponses: true,
  },
  'notification-service': {
    publish: ['notification.>', 'evt.notification.>', 'dlq.>', '$JS.API.>', '$JS.ACK.>', 'user.users.me', 'user.users.list', 'user.tenant.modules', 'rt.user.>'],
    subscribe: ['notification.>', 'evt.>', '_INBOX.>'],
    allowResponses: true,
  },
};
