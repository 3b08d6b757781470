import { rpcSubject, type EmptyRequest } from '../subjects/typed-subject';
import type { ContextEchoReply, ServiceHealthReply } from './system.dto';

/** The services of the suite; each is also its NATS queue group and its subject prefix. */
export const Services = {
  user: 'user-service',
  crm: 'crm-service',
  telephony: 'telephony-service',
  activity: 'activity-service',
  notification: 'notification-service',
} as const;
export type ServiceName = (typeof Services)[keyof typeof Services];

/** Subject prefix of each service (`<prefix>.<entity>.<verb>`). */
export const ServicePrefix: Record<ServiceName, string> = {
  'user-service': 'user',
  'crm-service': 'crm',
  'telephony-service': 'telephony',
  'activity-service': 'activity',
  'notification-service': 'notification',
};

/** Every service answers these two, so the gateway can report health and trace context. */
export const systemSubjects = (service: ServiceName) => {
  const prefix = ServicePrefix[service];
  return {
    health: rpcSubject<EmptyRequest, ServiceHealthReply>(`${prefix}.system.health`),
    context: rpcSubject<EmptyRequest, ContextEchoReply>(`${prefix}.system.context`),
  } as const;
};
