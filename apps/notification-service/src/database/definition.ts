import { EventStreams, Services } from '@engage/contracts';
import { messagingEntities } from '@engage/messaging';
import type { ServiceDefinition } from '@engage/service-runtime';
import { migrations } from '../migrations';

export const SCHEMA = 'notification';

export const notificationServiceDefinition: ServiceDefinition = {
  name: Services.notification,
  schema: SCHEMA,
  entities: [...messagingEntities(SCHEMA)],
  migrations,
  stream: EventStreams.notification,
};
