import { rpcSubject, type EmptyRequest } from '../subjects/typed-subject';
import type { ContextEchoReply, ServiceHealthReply } from './system.dto';

import { ServicePrefix, type ServiceName } from './services.generated';

export { NatsPermissions, Services, ServicePrefix, ServiceSchemas, type ServiceName } from './services.generated';

/** Every service answers these two, so the gateway can report health and trace context. */
export const systemSubjects = (service: ServiceName) => {
  const prefix = ServicePrefix[service];
  return {
    health: rpcSubject<EmptyRequest, ServiceHealthReply>(`${prefix}.system.health`),
    context: rpcSubject<EmptyRequest, ContextEchoReply>(`${prefix}.system.context`),
  } as const;
};
