import { EventStreams, Services } from '@engage/contracts';
import { messagingEntities } from '@engage/messaging';
import type { ServiceDefinition } from '@engage/service-runtime';
import { migrations } from '../migrations';

export const SCHEMA = 'identity';

export const userServiceDefinition: ServiceDefinition = {
  name: Services.user,
  schema: SCHEMA,
  entities: [...messagingEntities(SCHEMA)],
  migrations,
  stream: EventStreams.identity,
};
